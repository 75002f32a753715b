package io.tiercache.consistency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.tiercache.redis.RedisKeys;
import io.tiercache.store.StoreOptions;

import org.springframework.core.io.ClassPathResource;

/**
 * A run with every instance in a process of its own ({@code --processes}), so that
 * processes can be stopped, killed and terminated: a fresh PostgreSQL database and a
 * fresh Redis, N instance processes whose workers start together and stream their
 * histories to a run directory, faults injected from here, then the analysis of what the
 * histories show from the outside ({@link StalenessAnalysis}).
 */
final class ProcessRun {

	/** The instances' {@code tiercache.fanout.check-interval}. */
	static final Duration CHECK_INTERVAL = Duration.ofMillis(50);

	/**
	 * The instances' {@code tiercache.redis.command-timeout}: short, so that during a
	 * Redis pause an instance's workers get through many operations, writes among them,
	 * whose invalidations wait in its memory when the instance is hit.
	 */
	static final Duration COMMAND_TIMEOUT = Duration.ofMillis(100);

	/** The instances' {@code tiercache.redis.breaker.open-duration}. */
	static final Duration BREAKER_OPEN = Duration.ofSeconds(1);

	/**
	 * The longest delay between two retries of a queued invalidation, which go to Redis
	 * as the breaker's probe whatever its open duration.
	 */
	static final Duration RETRY_MAX_DELAY = Duration.ofMillis(250);

	/** The instances' {@code tiercache.local.max-unconfirmed}: the trust bound. */
	static final Duration MAX_UNCONFIRMED = Duration.ofMillis(200);

	/** The instances' {@code tiercache.outbox.relay-delay}. */
	static final Duration RELAY_DELAY = Duration.ofMillis(500);

	/**
	 * How long a relay leases a row: the relay delay, at least a second. A relay killed
	 * in its round delays its rows by this much.
	 */
	static final Duration RELAY_LEASE = Duration.ofSeconds(1);

	/** The instances' {@code tiercache.outbox.poll-interval}. */
	static final Duration POLL_INTERVAL = Duration.ofMillis(200);

	private final CheckerOptions options;

	ProcessRun(CheckerOptions options) {
		this.options = options;
	}

	/**
	 * The key whose master the faults hit: the first slot group's sequence in the layout
	 * the instances use by default, so that on a cluster a migration moves a slot that
	 * holds tiercache's state, and a killed master serves a share of the groups.
	 */
	private String faultedKey(String namespace) {
		int groups = (this.options.topology() == CheckerOptions.Topology.CLUSTER) ? StoreOptions.CLUSTER_SLOT_GROUPS
				: 1;
		return new String(new RedisKeys("tc", namespace, groups).seq(0), StandardCharsets.UTF_8);
	}

	ProcessRunResult execute() {
		Path directory = createDirectory();
		boolean keep = true;
		String namespace = "check-" + UUID.randomUUID().toString().substring(0, 8);
		try (RedisUnderTest redis = RedisUnderTest.forProcesses(this.options.topology(), faultedKey(namespace));
				SharedDatabase database = SharedDatabase.postgres(this.options.keyspace(), this.options.buckets())) {
			if (this.options.outbox()) {
				database.execute(new ClassPathResource(database.outboxSchema()));
			}
			writeProperties(directory, redis, database, namespace);
			List<InstanceProcess> instances = new ArrayList<>();
			try {
				for (int i = 0; i < this.options.instances(); i++) {
					InstanceProcess instance = new InstanceProcess(i, directory, this.options.workerArguments());
					instances.add(instance);
					instance.launch(null);
				}
				instances.forEach(InstanceProcess::awaitReady);
				long originMillis = System.currentTimeMillis();
				ProcessRunResult result = run(redis, instances, directory,
						this.options.outbox() ? () -> database.outboxSummary(originMillis) : () -> "");
				keep = result.violations() > 0 || result.analysis().failures() > 0;
				return result;
			}
			finally {
				instances.forEach(InstanceProcess::close);
			}
		}
		finally {
			if (!keep) {
				deleteDirectory(directory);
			}
		}
	}

	private ProcessRunResult run(RedisUnderTest redis, List<InstanceProcess> instances, Path directory,
			Supplier<String> outbox) {
		long origin = System.nanoTime();
		long deadline = origin + this.options.duration().toNanos();
		instances.forEach((instance) -> instance.go(deadline));
		FaultInjector injector = new FaultInjector(this.options.faults(), this.options.faultInterval(), redis,
				new ProcessFaults(instances, deadline), deadline);
		Thread faults = new Thread(injector, "checker-faults");
		faults.start();
		try {
			faults.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while faults were injected", ex);
		}
		// Every incarnation stops its workers at the deadline and closes its application.
		instances.forEach(InstanceProcess::awaitEnd);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - origin);
		StalenessAnalysis.Bounds bounds = new StalenessAnalysis.Bounds(MAX_UNCONFIRMED,
				RETRY_MAX_DELAY.plus(COMMAND_TIMEOUT), RELAY_DELAY.plus(POLL_INTERVAL).plus(RELAY_LEASE),
				this.options.outbox());
		StalenessAnalysis.Result analysis = StalenessAnalysis.analyze(directory, origin, injector.injections(), bounds);
		return new ProcessRunResult(this.options, analysis, injector.injections(), elapsed, directory, outbox.get(),
				origin);
	}

	private void writeProperties(Path directory, RedisUnderTest redis, SharedDatabase database, String namespace) {
		Map<String, Object> map = ConsistencyRun.properties(this.options, redis, database, namespace);
		map.put("tiercache.fanout.check-interval", CHECK_INTERVAL.toMillis() + "ms");
		map.put("tiercache.local.max-unconfirmed", MAX_UNCONFIRMED.toMillis() + "ms");
		map.put("tiercache.redis.command-timeout", COMMAND_TIMEOUT.toMillis() + "ms");
		map.put("tiercache.redis.breaker.open-duration", BREAKER_OPEN.toMillis() + "ms");
		if (this.options.outbox()) {
			map.put("tiercache.outbox.enabled", true);
			map.put("tiercache.outbox.initialize-schema", "never");
			map.put("tiercache.outbox.relay-delay", RELAY_DELAY.toMillis() + "ms");
			map.put("tiercache.outbox.poll-interval", POLL_INTERVAL.toMillis() + "ms");
		}
		Properties properties = new Properties();
		map.forEach((name, value) -> properties.setProperty(name, String.valueOf(value)));
		try (Writer writer = Files.newBufferedWriter(directory.resolve(InstanceProcess.PROPERTIES))) {
			properties.store(writer, "tiercache consistency checker: one instance under test");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("tiercache-check-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void deleteDirectory(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// Left in the temporary directory.
		}
	}

}
