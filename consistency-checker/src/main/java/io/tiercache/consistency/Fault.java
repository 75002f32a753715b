package io.tiercache.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The faults the checker can inject, each something that happens to real Redis
 * deployments and that the library claims to survive without serving a stale value beyond
 * the delivery window.
 */
enum Fault {

	/**
	 * {@code CLIENT KILL TYPE pubsub}: every subscription drops and must be
	 * re-established.
	 */
	PUBSUB_KILL("pubsub-kill", Duration.ZERO),

	/** {@code CLIENT KILL TYPE normal} and {@code pubsub}: every connection drops. */
	KILL_ALL("kill-all", Duration.ZERO),

	/**
	 * Restart without persistence: data lost, a new epoch. Not of a Sentinel group; on a
	 * cluster, of the master serving tiercache's slot, back before a failover.
	 */
	RESTART("restart", Duration.ZERO, Mode.NOT_SENTINEL),

	/** {@code CLIENT PAUSE 200 ALL}. */
	PAUSE("pause", Duration.ofMillis(200)),

	/** {@code DEBUG SLEEP 0.2}: the server freezes. */
	SLEEP("sleep", Duration.ofMillis(200)),

	/** {@code FLUSHALL}: data lost, a new epoch, connections intact. */
	FLUSHALL("flushall", Duration.ZERO),

	/**
	 * A tiny {@code maxmemory} with {@code allkeys-lru} while junk is written: evictions.
	 */
	MEMORY("memory", Duration.ofSeconds(1)),

	/**
	 * One instance drops some invalidation messages, as if lost in transit. Instances in
	 * the checker's JVM only.
	 */
	DROP("drop", Duration.ofMillis(300), Mode.IN_PROCESS),

	/**
	 * {@code SIGSTOP} of one instance for 2 s, far longer than the check interval and the
	 * local tier's trust bound, then {@code SIGCONT}: a long GC, a frozen VM or
	 * container.
	 */
	SIGSTOP("sigstop", Duration.ofSeconds(2), Mode.PROCESSES),

	/** {@code SIGKILL} of one instance, started again: an OOM kill. */
	SIGKILL("sigkill", Duration.ZERO, Mode.PROCESSES),

	/**
	 * {@code CLIENT PAUSE 1500 ALL}, longer than the command timeout, and {@code SIGTERM}
	 * of one instance 700 ms into it, started again: a deploy during a Redis outage. Its
	 * queued invalidations must be published by its shutdown once Redis answers.
	 */
	SIGTERM_PAUSE("sigterm-pause", Duration.ofMillis(1500), Mode.PROCESSES),

	/**
	 * As {@code sigterm-pause} with {@code SIGKILL}: an instance dies with invalidations
	 * of committed writes unpublished. Only the outbox can publish them.
	 */
	PAUSE_KILL("pause-kill", Duration.ofMillis(1500), Mode.PROCESSES),

	/**
	 * Replication cut for 1 s while writes go on, then {@code SIGKILL} of the master and
	 * the promotion of the replica, which never got the invalidations the master
	 * acknowledged in that second ({@code --sentinel}, or {@code --cluster} for the
	 * master serving tiercache's slot).
	 */
	FAILOVER("failover", Duration.ofSeconds(1), Mode.REPLICATED),

	/**
	 * {@code SIGKILL} of the master serving tiercache's slot, and the promotion of its
	 * replica, which has every write ({@code --cluster}).
	 */
	MASTER_KILL("master-kill", Duration.ZERO, Mode.CLUSTER),

	/**
	 * tiercache's slot moved, with its keys, to another master ({@code --cluster}): its
	 * shard channel moves with it.
	 */
	MIGRATE("migrate", Duration.ZERO, Mode.CLUSTER),

	/**
	 * Writes for 1 s, then {@code SIGKILL} of the server and a restart from its
	 * append-only file without that second: what an operating system crash does under
	 * {@code appendfsync everysec} (instances as processes, without {@code --sentinel}).
	 */
	AOF_RESTART("aof-restart", Duration.ofSeconds(1), Mode.APPEND_ONLY);

	/** Which runs a fault can be injected into. */
	enum Mode {

		/** Every run. */
		ANY,
		/** Runs whose Redis is not a Sentinel group. */
		NOT_SENTINEL,
		/** Instances in the checker's JVM only. */
		IN_PROCESS,
		/** Instances in processes of their own only ({@code --processes}). */
		PROCESSES,
		/** Instances as processes, on the one server with an append-only file. */
		APPEND_ONLY,
		/** Instances as processes, on a Sentinel group or a cluster. */
		REPLICATED,
		/** Instances as processes, on a Redis Cluster ({@code --cluster}). */
		CLUSTER

	}

	/**
	 * How long into a pause a process fault hits its instance: past the command timeout,
	 * so that the instance's writes are done and their invalidations queued.
	 */
	static final Duration INTO_PAUSE = Duration.ofMillis(700);

	private final String id;

	private final Duration hold;

	private final Mode mode;

	Fault(String id, Duration hold) {
		this(id, hold, Mode.ANY);
	}

	Fault(String id, Duration hold, Mode mode) {
		this.id = id;
		this.hold = hold;
		this.mode = mode;
	}

	/**
	 * Whether the fault can be injected into a run.
	 * @param processes whether the instances run as processes of their own
	 * @param topology what Redis is
	 * @return whether it can
	 */
	boolean supports(boolean processes, CheckerOptions.Topology topology) {
		return switch (this.mode) {
			case ANY -> true;
			case NOT_SENTINEL -> topology != CheckerOptions.Topology.SENTINEL;
			case IN_PROCESS -> !processes;
			case PROCESSES -> processes;
			case APPEND_ONLY -> processes && topology == CheckerOptions.Topology.STANDALONE;
			case REPLICATED -> processes && topology != CheckerOptions.Topology.STANDALONE;
			case CLUSTER -> processes && topology == CheckerOptions.Topology.CLUSTER;
		};
	}

	/** What a run needs for the fault, for a message refusing it. */
	String needs() {
		return switch (this.mode) {
			case ANY -> "nothing";
			case NOT_SENTINEL -> "one Redis server or a cluster: leave out --sentinel";
			case IN_PROCESS -> "instances in the checker's JVM: leave out --processes";
			case PROCESSES -> "instances as processes: add --processes";
			case APPEND_ONLY ->
				"instances as processes on one server: add --processes, leave out --sentinel and --cluster";
			case REPLICATED -> "replicas to fail over to: add --processes and --sentinel or --cluster";
			case CLUSTER -> "a Redis Cluster: add --processes --cluster";
		};
	}

	/** The name used on the command line and in reports. */
	String id() {
		return this.id;
	}

	/** How long the fault lasts once injected. */
	Duration hold() {
		return this.hold;
	}

	/**
	 * Parse a comma separated list of fault ids, or {@code all}.
	 * @param text the list, possibly empty
	 * @param processes whether the instances run as processes
	 * @param topology what Redis is: {@code all} means every fault that can be injected
	 * into such a run
	 * @return the faults, in the order given
	 */
	static List<Fault> parseList(String text, boolean processes, CheckerOptions.Topology topology) {
		if (text.isBlank() || text.equals("none")) {
			return List.of();
		}
		if (text.trim().equalsIgnoreCase("all")) {
			return Arrays.stream(values()).filter((fault) -> fault.supports(processes, topology)).toList();
		}
		List<Fault> faults = new ArrayList<>();
		for (String id : text.split(",")) {
			faults.add(of(id.trim().toLowerCase(Locale.ROOT)));
		}
		return faults;
	}

	static Fault of(String id) {
		return Arrays.stream(values())
			.filter((fault) -> fault.id.equals(id))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown fault '" + id + "'; known: "
					+ Arrays.stream(values()).map(Fault::id).toList() + " or all"));
	}

}
