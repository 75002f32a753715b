package io.tiercache.consistency;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.convert.DurationStyle;

/**
 * What a run does: how many instances and workers, for how long, over how many items, how
 * often they write, which faults are injected how often, and whether the local tier's
 * safety checks are switched off to prove that the checker catches what follows.
 *
 * @param instances number of application instances sharing the database and Redis
 * @param threads worker threads per instance
 * @param duration how long the workers run
 * @param keyspace number of items
 * @param writeRatio share of operations that are writes
 * @param faults faults injected in turn
 * @param faultInterval time between two injections
 * @param broken whether to disable the local tier's safety checks on every instance
 * @param processes whether each instance runs as a process of its own, which process
 * faults need
 * @param outbox whether the instances write their invalidations to the transactional
 * outbox
 * @param topology what Redis is: one server, a Sentinel group (a master, a replica and
 * three Sentinels) or a Redis Cluster (three masters with a replica each), which the
 * failover faults need
 */
record CheckerOptions(int instances, int threads, Duration duration, int keyspace, double writeRatio,
		List<Fault> faults, Duration faultInterval, boolean broken, boolean processes, boolean outbox,
		Topology topology) {

	/** What Redis the instances share. */
	enum Topology {

		/** One server. */
		STANDALONE,
		/** A master, a replica and three Sentinels ({@code --sentinel}). */
		SENTINEL,
		/** A Redis Cluster of three masters, each with a replica ({@code --cluster}). */
		CLUSTER

	}

	static final String USAGE = """
			Usage: java -jar tiercache-consistency-checker.jar [options]
			  --instances N        application instances sharing one database and one Redis (default 3)
			  --threads N          worker threads per instance (default 4)
			  --duration D         how long the workers run, e.g. 60s, 10m (default 60s)
			  --keyspace N         number of items (default 100)
			  --write-ratio R      share of operations that are writes (default 0.1)
			  --faults LIST        comma separated faults, or all (default none):
			                       pubsub-kill, kill-all, restart, pause, sleep, flushall, memory,
			                       drop (in-process only),
			                       sigstop, sigkill, sigterm-pause, pause-kill (--processes only),
			                       aof-restart (--processes on one server), failover (--sentinel or
			                       --cluster), master-kill, migrate (--cluster),
			                       restart (not with --sentinel)
			  --fault-interval D   time between two fault injections (default 2s)
			  --processes          run each instance as a process of its own (needed by process faults);
			                       Redis then keeps an append-only file, synced every second
			  --sentinel           a master, a replica and three Sentinels instead of one Redis
			                       (--processes only)
			  --cluster            a Redis Cluster of three masters with a replica each instead of one
			                       Redis (--processes only)
			  --outbox             write invalidations to the transactional outbox (--processes only)
			  --broken             disable the local tier's safety checks: the run must report violations
			Set REDIS_URL to use an existing Redis (it is flushed) instead of an embedded redis-server
			(aof-restart and failover then cannot be injected).
			Exit status: 0 without violations, 1 with violations, 2 on bad arguments.""";

	CheckerOptions {
		faults = List.copyOf(faults);
		if (instances < 1 || threads < 1 || keyspace < 1) {
			throw new IllegalArgumentException("--instances, --threads and --keyspace must be positive");
		}
		if (writeRatio < 0 || writeRatio > 1) {
			throw new IllegalArgumentException("--write-ratio must be between 0 and 1");
		}
		if (duration.isNegative() || duration.isZero() || faultInterval.isNegative() || faultInterval.isZero()) {
			throw new IllegalArgumentException("--duration and --fault-interval must be positive");
		}
		for (Fault fault : faults) {
			if (!fault.supports(processes, topology)) {
				throw new IllegalArgumentException("Fault '" + fault.id() + "' needs " + fault.needs());
			}
		}
		if (outbox && !processes) {
			throw new IllegalArgumentException("--outbox needs --processes");
		}
		if (topology != Topology.STANDALONE && !processes) {
			throw new IllegalArgumentException(
					"--" + topology.name().toLowerCase(java.util.Locale.ROOT) + " needs --processes");
		}
		if (broken && processes) {
			throw new IllegalArgumentException("--broken needs instances in the checker's JVM: leave out --processes");
		}
	}

	CheckerOptions(int instances, int threads, Duration duration, int keyspace, double writeRatio, List<Fault> faults,
			Duration faultInterval, boolean broken) {
		this(instances, threads, duration, keyspace, writeRatio, faults, faultInterval, broken, false, false,
				Topology.STANDALONE);
	}

	static CheckerOptions defaults() {
		return new CheckerOptions(3, 4, Duration.ofSeconds(60), 100, 0.1, List.of(), Duration.ofSeconds(2), false);
	}

	/** Items per bucket list: about ten. */
	int buckets() {
		return Math.max(1, this.keyspace / 10);
	}

	CheckerOptions withFaults(List<Fault> faults) {
		return new CheckerOptions(this.instances, this.threads, this.duration, this.keyspace, this.writeRatio, faults,
				this.faultInterval, this.broken, this.processes, this.outbox, this.topology);
	}

	CheckerOptions withBroken(boolean broken) {
		return new CheckerOptions(this.instances, this.threads, this.duration, this.keyspace, this.writeRatio,
				this.faults, this.faultInterval, broken, this.processes, this.outbox, this.topology);
	}

	/**
	 * The options an instance process needs to run its workers.
	 * @return command line arguments {@link #parse} reads back
	 */
	List<String> workerArguments() {
		return List.of("--threads", Integer.toString(this.threads), "--keyspace", Integer.toString(this.keyspace),
				"--write-ratio", Double.toString(this.writeRatio));
	}

	/**
	 * Parse command line arguments, {@code --name value} or {@code --name=value}.
	 * @param args the arguments
	 * @return the options, defaults for what is not given
	 * @throws IllegalArgumentException on an unknown option or a bad value
	 */
	static CheckerOptions parse(String... args) {
		CheckerOptions options = defaults();
		int instances = options.instances;
		int threads = options.threads;
		Duration duration = options.duration;
		int keyspace = options.keyspace;
		double writeRatio = options.writeRatio;
		String faults = "none";
		Duration faultInterval = options.faultInterval;
		boolean broken = false;
		boolean processes = false;
		boolean outbox = false;
		boolean sentinel = false;
		boolean cluster = false;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument '" + arg + "'");
			}
			String name = arg.substring(2);
			String value = null;
			int equals = name.indexOf('=');
			if (equals >= 0) {
				value = name.substring(equals + 1);
				name = name.substring(0, equals);
			}
			if (name.equals("broken") || name.equals("processes") || name.equals("outbox") || name.equals("sentinel")
					|| name.equals("cluster")) {
				boolean on = (value == null) || Boolean.parseBoolean(value);
				switch (name) {
					case "broken" -> broken = on;
					case "processes" -> processes = on;
					case "sentinel" -> sentinel = on;
					case "cluster" -> cluster = on;
					default -> outbox = on;
				}
				continue;
			}
			if (value == null) {
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException("Missing value of --" + name);
				}
				value = args[++i];
			}
			switch (name) {
				case "instances" -> instances = Integer.parseInt(value);
				case "threads" -> threads = Integer.parseInt(value);
				case "duration" -> duration = DurationStyle.detectAndParse(value);
				case "keyspace" -> keyspace = Integer.parseInt(value);
				case "write-ratio" -> writeRatio = Double.parseDouble(value);
				case "faults" -> faults = value;
				case "fault-interval" -> faultInterval = DurationStyle.detectAndParse(value);
				default -> throw new IllegalArgumentException("Unknown option --" + name);
			}
		}
		if (sentinel && cluster) {
			throw new IllegalArgumentException("--sentinel and --cluster are two kinds of Redis: choose one");
		}
		Topology topology = sentinel ? Topology.SENTINEL : cluster ? Topology.CLUSTER : Topology.STANDALONE;
		return new CheckerOptions(instances, threads, duration, keyspace, writeRatio,
				Fault.parseList(faults, processes, topology), faultInterval, broken, processes, outbox, topology);
	}

}
