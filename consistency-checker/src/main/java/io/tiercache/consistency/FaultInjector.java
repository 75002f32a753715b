package io.tiercache.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisCommandExecutionException;

/**
 * Injects the configured faults in turn, one every interval, starting half an interval
 * into the run and stopping early enough that the last one has ended before the workers
 * do. Every injection is counted and logged with its time, so that a violation can be
 * read against the faults around it.
 */
final class FaultInjector implements Runnable {

	/**
	 * Time left after a fault ends before the workers stop, for the instances to recover.
	 */
	private static final Duration SETTLE = Duration.ofMillis(300);

	/**
	 * A fault as injected.
	 *
	 * @param start when the injection began
	 * @param end when the fault was over
	 * @param fault the fault
	 * @param outcome what happened, or why it was refused
	 * @param refused whether Redis refused it
	 */
	record Injection(long start, long end, Fault fault, String outcome, boolean refused) {
	}

	private final List<Fault> faults;

	private final Duration interval;

	private final RedisUnderTest redis;

	private final InstanceFaults instances;

	private final long deadline;

	private final List<Injection> injections = Collections.synchronizedList(new ArrayList<>());

	private final AtomicLong evictedKeys = new AtomicLong();

	FaultInjector(List<Fault> faults, Duration interval, RedisUnderTest redis, InstanceFaults instances,
			long deadline) {
		this.faults = faults;
		this.interval = interval;
		this.redis = redis;
		this.instances = instances;
		this.deadline = deadline;
	}

	@Override
	public void run() {
		if (this.faults.isEmpty()) {
			return;
		}
		long next = System.nanoTime() + this.interval.toNanos() / 2;
		for (int i = 0;; i++) {
			if (!Pause.sleep(Duration.ofNanos(next - System.nanoTime()))) {
				return;
			}
			Fault fault = this.faults.get(i % this.faults.size());
			if (System.nanoTime() + fault.hold().toNanos() + SETTLE.toNanos() - this.deadline > 0) {
				return;
			}
			inject(fault);
			next += this.interval.toNanos();
		}
	}

	private void inject(Fault fault) {
		long start = System.nanoTime();
		String outcome;
		boolean refused = false;
		try {
			outcome = apply(fault);
		}
		catch (RedisCommandExecutionException ex) {
			outcome = "refused by Redis: " + ex.getMessage();
			refused = true;
		}
		catch (RuntimeException ex) {
			outcome = "failed: " + ex;
			refused = true;
		}
		long end = System.nanoTime();
		if (fault == Fault.FAILOVER || fault == Fault.MASTER_KILL) {
			// Outside the fault's time: the group must be whole before it can fail over
			// again.
			try {
				this.redis.recover();
			}
			catch (RuntimeException ex) {
				outcome += "; the old master did not rejoin: " + ex.getMessage();
			}
		}
		this.injections.add(new Injection(start, end, fault, outcome, refused));
	}

	/**
	 * Pause every client of Redis for the fault's hold and hit one instance
	 * {@link Fault#INTO_PAUSE} into it, once its writes have given up on Redis.
	 */
	private String duringPause(Fault fault, Supplier<String> hit) {
		long start = System.nanoTime();
		this.redis.pause(fault.hold());
		Pause.sleep(Fault.INTO_PAUSE);
		String outcome = hit.get();
		Pause.sleep(fault.hold().minusNanos(System.nanoTime() - start));
		return "paused every client for " + fault.hold().toMillis() + " ms, " + outcome;
	}

	private String apply(Fault fault) {
		return switch (fault) {
			case PUBSUB_KILL -> "killed " + this.redis.killPubSubClients() + " pub/sub connections";
			case KILL_ALL -> {
				long normal = this.redis.killNormalClients();
				long pubSub = this.redis.killPubSubClients();
				yield "killed " + normal + " connections and " + pubSub + " pub/sub connections";
			}
			case RESTART -> this.redis.restart();
			case PAUSE -> {
				this.redis.pause(fault.hold());
				Pause.sleep(fault.hold());
				yield "paused every client for " + fault.hold().toMillis() + " ms";
			}
			case SLEEP -> {
				this.redis.debugSleep(fault.hold());
				yield "server slept " + fault.hold().toMillis() + " ms";
			}
			case FLUSHALL -> {
				this.redis.flushAll();
				yield "flushed";
			}
			case MEMORY -> {
				long evicted = this.redis.squeezeMemory(fault.hold());
				this.evictedKeys.addAndGet(evicted);
				yield "evicted " + evicted + " keys";
			}
			case DROP -> this.instances.dropMessages(fault.hold());
			case SIGSTOP -> this.instances.stop(fault.hold());
			case SIGKILL -> this.instances.kill();
			case SIGTERM_PAUSE -> duringPause(fault, this.instances::terminate);
			case PAUSE_KILL -> duringPause(fault, this.instances::kill);
			case FAILOVER -> this.redis.failOverLosingWrites(fault.hold());
			case MASTER_KILL -> this.redis.killMaster();
			case MIGRATE -> this.redis.migrate();
			case AOF_RESTART -> this.redis.restartLosingLastWrites(fault.hold());
		};
	}

	List<Injection> injections() {
		synchronized (this.injections) {
			return new ArrayList<>(this.injections);
		}
	}

	Map<Fault, Long> injectedByKind() {
		Map<Fault, Long> counts = new EnumMap<>(Fault.class);
		for (Injection injection : injections()) {
			if (!injection.refused()) {
				counts.merge(injection.fault(), 1L, Long::sum);
			}
		}
		return counts;
	}

	Map<Fault, Long> refusedByKind() {
		Map<Fault, Long> counts = new EnumMap<>(Fault.class);
		for (Injection injection : injections()) {
			if (injection.refused()) {
				counts.merge(injection.fault(), 1L, Long::sum);
			}
		}
		return counts;
	}

	long evictedKeys() {
		return this.evictedKeys.get();
	}

}
