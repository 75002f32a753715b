package io.tiercache.consistency;

import java.time.Duration;
import java.util.List;

import io.tiercache.store.LocalTrust.ClearReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Short checker runs, one per fault kind, each of which must end without a violation
 * while the fault demonstrably happened and the library demonstrably reacted to it; and
 * one run with the local tier's safety checks switched off, which must end with
 * violations, since a checker that cannot fail proves nothing.
 */
class ConsistencyCheckerTests {

	private static final CheckerOptions SHORT_RUN = new CheckerOptions(3, 3, Duration.ofSeconds(4), 50, 0.1, List.of(),
			Duration.ofMillis(1200), false);

	/**
	 * Proof that the run did work, not a speed goal: a dead or wedged run does almost
	 * nothing, a healthy one thousands. The slowest kind (pub/sub kills, every read going
	 * to Redis while the local tier is distrusted) did about 900 on a loaded CI machine,
	 * so the floor stays well below that.
	 */
	private static final long MINIMUM_READS = 250;

	private static final long MINIMUM_WRITES = 25;

	@Test
	void noFaults() {
		RunResult result = run(List.of());
		assertHealthy(result);
		assertThat(result.analysis().uncoveredPairs()).isZero();
	}

	@Test
	void pubSubConnectionsKilled() {
		RunResult result = run(List.of(Fault.PUBSUB_KILL));
		assertHealthy(result);
		assertInjected(result, Fault.PUBSUB_KILL);
		assertThat(result.clears(ClearReason.DISCONNECT)).isPositive();
	}

	@Test
	void allConnectionsKilled() {
		RunResult result = run(List.of(Fault.KILL_ALL));
		assertHealthy(result);
		assertInjected(result, Fault.KILL_ALL);
		assertThat(result.clears(ClearReason.DISCONNECT)).isPositive();
	}

	@Test
	void redisRestarted() {
		RunResult result = run(List.of(Fault.RESTART));
		assertHealthy(result);
		assertInjected(result, Fault.RESTART);
		assertThat(result.clears(ClearReason.DISCONNECT)).isPositive();
		assertThat(result.clears(ClearReason.EPOCH)).isPositive();
	}

	@Test
	void clientsPaused() {
		RunResult result = run(List.of(Fault.PAUSE));
		assertHealthy(result);
		assertInjected(result, Fault.PAUSE);
	}

	@Test
	void serverAsleep() {
		RunResult result = run(List.of(Fault.SLEEP));
		assertHealthy(result);
		assertInjected(result, Fault.SLEEP);
	}

	@Test
	void flushed() {
		RunResult result = run(List.of(Fault.FLUSHALL));
		assertHealthy(result);
		assertInjected(result, Fault.FLUSHALL);
		assertThat(result.clears(ClearReason.EPOCH)).isPositive();
	}

	@Test
	void keysEvicted() {
		RunResult result = run(List.of(Fault.MEMORY));
		assertHealthy(result);
		assertInjected(result, Fault.MEMORY);
		assertThat(result.evictedKeys()).isPositive();
	}

	@Test
	void messagesDropped() {
		RunResult result = run(List.of(Fault.DROP));
		assertHealthy(result);
		assertInjected(result, Fault.DROP);
		assertThat(result.droppedMessages()).isPositive();
		assertThat(result.clears(ClearReason.GAP) + result.counters().stalls()).isPositive();
	}

	@Test
	void brokenLocalTierIsCaught() {
		RunResult result = run(SHORT_RUN.withFaults(List.of(Fault.DROP)).withBroken(true));
		assertThat(result.analysis().reads()).isGreaterThan(MINIMUM_READS);
		assertInjected(result, Fault.DROP);
		assertThat(result.violations()).as(RunReport.format(result)).isPositive();
		assertThat(result.analysis().examples()).isNotEmpty();
		assertThat(result.analysis().examples().get(0).excerpt()).contains("STALE READ");
	}

	private RunResult run(List<Fault> faults) {
		return run(SHORT_RUN.withFaults(faults));
	}

	private RunResult run(CheckerOptions options) {
		RunResult result = new ConsistencyRun(options).execute();
		System.out.println(RunReport.format(result));
		return result;
	}

	private void assertHealthy(RunResult result) {
		String report = RunReport.format(result);
		assertThat(result.violations()).as(report).isZero();
		assertThat(result.analysis().reads()).as(report).isGreaterThan(MINIMUM_READS);
		assertThat(result.analysis().writes()).as(report).isGreaterThan(MINIMUM_WRITES);
		assertThat(result.analysis().unexplainedReads()).as(report).isZero();
		assertThat(result.failedOperations()).as(report).isZero();
	}

	private void assertInjected(RunResult result, Fault fault) {
		assertThat(result.injected(fault)).as(RunReport.format(result)).isGreaterThanOrEqualTo(2);
	}

}
