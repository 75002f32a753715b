package io.tiercache.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One run of the checker: a fresh database and Redis, N instances of the application, T
 * workers each recording a history while faults are injected; then a drain, so that every
 * invalidation has had the chance to reach every instance, and the analysis.
 */
final class ConsistencyRun {

	/**
	 * How long to wait, after the workers stop, for every write to reach every instance.
	 */
	private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * With the safety checks off, clears are not reported: a lost message is never
	 * covered.
	 */
	private static final Duration BROKEN_DRAIN_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration DRAIN_POLL = Duration.ofMillis(100);

	private final CheckerOptions options;

	ConsistencyRun(CheckerOptions options) {
		this.options = options;
	}

	RunResult execute() {
		try (RedisUnderTest redis = RedisUnderTest.start();
				SharedDatabase database = SharedDatabase.create(this.options.keyspace(), this.options.buckets())) {
			Epochs epochs = new Epochs();
			List<Instance> instances = new ArrayList<>();
			try {
				String namespace = "check-" + UUID.randomUUID().toString().substring(0, 8);
				for (int i = 0; i < this.options.instances(); i++) {
					instances.add(Instance.start(i, properties(this.options, redis, database, namespace), epochs,
							this.options.broken()));
				}
				return run(redis, instances, epochs);
			}
			finally {
				for (int i = instances.size() - 1; i >= 0; i--) {
					instances.get(i).close();
				}
			}
		}
	}

	private RunResult run(RedisUnderTest redis, List<Instance> instances, Epochs epochs) {
		LibraryCounters before = counters(instances);
		History history = new History();
		long origin = System.nanoTime();
		long deadline = origin + this.options.duration().toNanos();
		List<Thread> workers = new ArrayList<>();
		for (Instance instance : instances) {
			ItemService service = instance.service();
			for (int t = 0; t < this.options.threads(); t++) {
				Worker worker = new Worker(service, history.newThread(instance.index(), t), this.options, deadline);
				workers.add(new Thread(worker, "checker-" + instance.index() + "-" + t));
			}
		}
		InProcessFaults instanceFaults = new InProcessFaults(instances);
		FaultInjector injector = new FaultInjector(this.options.faults(), this.options.faultInterval(), redis,
				instanceFaults, deadline);
		Thread faults = new Thread(injector, "checker-faults");
		workers.forEach(Thread::start);
		faults.start();
		join(workers);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - origin);
		join(List.of(faults));
		HistoryAnalysis analysis = drain(history, instances, epochs, injector, origin);
		LibraryCounters counters = counters(instances).minus(before);
		return new RunResult(this.options, analysis.analyze(), injector.injections(), counters,
				instanceFaults.droppedMessages(), injector.evictedKeys(), history.failures(), history.firstFailure(),
				elapsed);
	}

	/**
	 * Wait until every write has reached every instance (applied there, or cleared after
	 * it), and no invalidation waits for a retry, or until the drain times out: messages
	 * still in flight when the workers stop are not violations.
	 */
	private HistoryAnalysis drain(History history, List<Instance> instances, Epochs epochs, FaultInjector injector,
			long origin) {
		Duration timeout = this.options.broken() ? BROKEN_DRAIN_TIMEOUT : DRAIN_TIMEOUT;
		long drainDeadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			HistoryAnalysis analysis = new HistoryAnalysis(history, timeline(instances, epochs, injector, origin),
					this.options.keyspace());
			boolean drained = analysis.uncoveredPairs() == 0
					&& instances.stream().allMatch((instance) -> instance.store().pendingInvalidations() == 0);
			if (drained || System.nanoTime() - drainDeadline > 0) {
				return analysis;
			}
			Pause.sleep(DRAIN_POLL);
		}
	}

	private Timeline timeline(List<Instance> instances, Epochs epochs, FaultInjector injector, long origin) {
		return new Timeline(origin, instances.stream().map((instance) -> instance.events().snapshot()).toList(),
				injector.injections(), epochs, this.options.buckets());
	}

	/**
	 * The configuration of an instance under test.
	 * @param options the run's options
	 * @param redis the Redis it uses
	 * @param database the shared database
	 * @param namespace the run's key namespace
	 * @return Spring properties
	 */
	static Map<String, Object> properties(CheckerOptions options, RedisUnderTest redis, SharedDatabase database,
			String namespace) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.web-application-type", "none");
		properties.put("spring.jmx.enabled", false);
		properties.put("spring.datasource.url", database.url());
		properties.put("spring.datasource.username", database.username());
		properties.put("spring.datasource.password", "");
		properties.put("spring.datasource.hikari.maximum-pool-size", options.threads() + 4);
		properties.put("spring.sql.init.mode", "never");
		properties.putAll(redis.springProperties());
		properties.put("spring.data.redis.repositories.enabled", false);
		properties.put("tiercache.namespace", namespace);
		properties.put("tiercache.fanout.check-interval", "50ms");
		properties.put("logging.level.root", "warn");
		return properties;
	}

	private static LibraryCounters counters(List<Instance> instances) {
		LibraryCounters sum = LibraryCounters.ZERO;
		for (Instance instance : instances) {
			sum = sum.plus(instance.counters());
		}
		return sum;
	}

	private static void join(List<Thread> threads) {
		for (Thread thread : threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + thread.getName(), ex);
			}
		}
	}

}
