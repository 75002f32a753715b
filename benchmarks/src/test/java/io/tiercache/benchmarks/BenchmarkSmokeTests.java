package io.tiercache.benchmarks;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The smoke mode of the JMH suite, run by the build: every benchmark method once, in this
 * JVM, for a fraction of a second, with its setup's checks (a hit benchmark fails when
 * its calls miss, for example). It proves that each benchmark starts, measures what it
 * claims and cleans up; its numbers mean nothing and are not looked at.
 */
class BenchmarkSmokeTests {

	@Test
	void everyBenchmarkRunsOnceWithItsSetupChecks() throws Exception {
		Options options = new OptionsBuilder().include("io\\.tiercache\\.benchmarks\\..*Benchmark\\.")
			.param("entries", "1")
			.forks(0)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementTime(TimeValue.milliseconds(200))
			.shouldFailOnError(true)
			.build();
		Collection<RunResult> results = new Runner(options).run();
		Set<String> ran = new TreeSet<>();
		for (RunResult result : results) {
			assertThat(result.getPrimaryResult().getSampleCount()).isPositive();
			String benchmark = result.getParams().getBenchmark();
			ran.add(benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1));
		}
		assertThat(ran).contains("LocalHitBenchmark.tiercacheL1Hit", "LocalHitBenchmark.proxiedPlainMethod",
				"RemoteHitBenchmark.tiercacheL2Hit", "RemoteHitBenchmark.rawLettuceGet",
				"RemoteHitBenchmark.springRedisCacheJson", "InvalidationBenchmark.tiercache",
				"InvalidationBenchmark.naiveSetIndex", "IncarnationCheckBenchmark.readHitWithIncarnationCheck",
				"AsyncCallBenchmark.futureCallerTime", "MixedWorkloadBenchmark.tiercache");
	}

}
