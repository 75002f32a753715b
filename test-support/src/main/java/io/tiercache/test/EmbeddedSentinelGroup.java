package io.tiercache.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One master, one replica and three Sentinels (quorum two) of the bundled
 * {@code redis-server} binary, on free loopback ports: enough to fail over for real. The
 * Sentinels declare the master down after {@link #DOWN_AFTER} without an answer, so a
 * failover takes a few seconds. <pre class="code">
 * try (EmbeddedSentinelGroup group = EmbeddedSentinelGroup.start()) {
 *     // connect through group.sentinelPorts() to group.masterName()
 *     group.cutReplication();     // what the master acknowledges now, the replica never gets
 *     group.killMaster();
 *     RedisProcess promoted = group.awaitFailover(Duration.ofSeconds(30));
 * }
 * </pre> Plain Java; {@link #close()} kills every process and deletes their directories.
 */
public final class EmbeddedSentinelGroup implements AutoCloseable {

	/** How long the Sentinels wait for the master before declaring it down. */
	public static final Duration DOWN_AFTER = Duration.ofSeconds(1);

	private static final String MASTER_NAME = "tiercache";

	private static final int START_ATTEMPTS = 5;

	private final RedisProcess master;

	private final RedisProcess replica;

	private final List<RedisProcess> sentinels;

	/** The server in the master's role now: they swap at each failover. */
	private volatile RedisProcess currentMaster;

	private volatile RedisProcess currentReplica;

	private EmbeddedSentinelGroup(RedisProcess master, RedisProcess replica, List<RedisProcess> sentinels) {
		this.master = master;
		this.replica = replica;
		this.sentinels = sentinels;
		this.currentMaster = master;
		this.currentReplica = replica;
	}

	/**
	 * Start the group and wait until the replica is in sync and every Sentinel knows the
	 * replica and the other Sentinels, so that a failover can happen from then on.
	 * @return the running group
	 * @throws IllegalStateException if a process does not start (with the end of its log)
	 * or the group does not form within 30 seconds
	 */
	public static EmbeddedSentinelGroup start() {
		IllegalStateException failure = new IllegalStateException(
				"Could not start a Sentinel group after " + START_ATTEMPTS + " attempts");
		for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
			try {
				return tryStart();
			}
			catch (IllegalStateException ex) {
				failure.addSuppressed(ex);
			}
		}
		throw failure;
	}

	private static EmbeddedSentinelGroup tryStart() {
		List<RedisProcess> started = new ArrayList<>();
		try {
			RedisProcess master = RedisProcess.start("master", EmbeddedRedis.freePort(), List.of(), false);
			started.add(master);
			RedisProcess replica = RedisProcess.start("replica", EmbeddedRedis.freePort(),
					List.of("replicaof " + master.host() + " " + master.port()), false);
			started.add(replica);
			List<RedisProcess> sentinels = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				RedisProcess sentinel = RedisProcess.start("sentinel", EmbeddedRedis.freePort(),
						// A Sentinel that led a failover leads the next one only two
						// failover
						// timeouts later: short, so that a test can fail over every few
						// seconds.
						List.of("sentinel monitor " + MASTER_NAME + " " + master.host() + " " + master.port() + " 2",
								"sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
								"sentinel failover-timeout " + MASTER_NAME + " 4000",
								"sentinel parallel-syncs " + MASTER_NAME + " 1"),
						true);
				started.add(sentinel);
				sentinels.add(sentinel);
			}
			EmbeddedSentinelGroup group = new EmbeddedSentinelGroup(master, replica, List.copyOf(sentinels));
			group.awaitFormed(Duration.ofSeconds(30));
			return group;
		}
		catch (RuntimeException ex) {
			started.forEach(RedisProcess::close);
			throw (ex instanceof IllegalStateException ise) ? ise
					: new IllegalStateException("Could not start a Sentinel group: " + ex, ex);
		}
	}

	/** The name the Sentinels monitor the master under. */
	public String masterName() {
		return MASTER_NAME;
	}

	/** The ports of the three Sentinels, on {@code 127.0.0.1}. */
	public List<Integer> sentinelPorts() {
		return this.sentinels.stream().map(RedisProcess::port).toList();
	}

	/** The server started as the master. */
	public RedisProcess master() {
		return this.master;
	}

	/** The server started as the replica. */
	public RedisProcess replica() {
		return this.replica;
	}

	public List<RedisProcess> sentinels() {
		return this.sentinels;
	}

	/**
	 * The server in the master's role: the one started as the master until a failover,
	 * then the one promoted.
	 */
	public RedisProcess currentMaster() {
		return this.currentMaster;
	}

	/** The server in the replica's role: the other one. */
	public RedisProcess currentReplica() {
		return this.currentReplica;
	}

	/**
	 * Wait until the replica has received everything the master had written when this was
	 * called: a marker written on the master then has reached the replica, and
	 * replication keeps the order of writes. Not by comparing offsets: the Sentinels'
	 * hello messages move the master's every second or so, and a replica that fell back
	 * to {@code SYNC} (its {@code PSYNC} refused while replication was cut) never
	 * acknowledges one.
	 * @param timeout how long to wait
	 */
	public void awaitReplicaInSync(Duration timeout) {
		RedisProcess master = this.currentMaster;
		RedisProcess replica = this.currentReplica;
		String marker = "tiercache-test:in-sync:" + System.nanoTime();
		master.command("SET", marker, "1", "PX", "60000");
		awaitCondition(timeout, "the replica to catch up with the master",
				() -> "1".equals(replica.command("GET", marker)));
	}

	/**
	 * Stop replication from the master to the replica, and keep it stopped: the master's
	 * default user may no longer run {@code PSYNC} or {@code SYNC}, and the replica's
	 * link is closed. Every write the master acknowledges from now on is lost if the
	 * replica is promoted. Returns once the replica reports its link down.
	 */
	public void cutReplication() {
		RedisProcess replica = this.currentReplica;
		this.currentMaster.command("ACL", "SETUSER", "default", "-psync", "-sync");
		this.currentMaster.command("CLIENT", "KILL", "TYPE", "replica");
		awaitCondition(Duration.ofSeconds(10), "the replica's link to go down",
				() -> !"up".equals(replica.info("replication", "master_link_status")));
	}

	/**
	 * Let the replica resynchronise again after {@link #cutReplication()}, and return
	 * once the master counts its acknowledgements, which is what {@code WAIT} counts.
	 * <p>
	 * A replica whose {@code PSYNC} was refused retries with the old {@code SYNC}, and a
	 * replica synced that way receives every write but never acknowledges an offset, so
	 * {@code WAIT} would never count it. Dropping its link once is not enough: a
	 * {@code SYNC} already on its way when the rights come back lands after the drop. So
	 * the link is dropped until the replica, synchronised afresh with {@code PSYNC},
	 * acknowledges what the master has written.
	 * @throws IllegalStateException if the replica does not acknowledge within 30 seconds
	 */
	public void restoreReplication() {
		RedisProcess master = this.currentMaster;
		RedisProcess replica = this.currentReplica;
		master.command("ACL", "SETUSER", "default", "+psync", "+sync");
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		IllegalStateException failure = null;
		while (System.nanoTime() - deadline < 0) {
			replica.command("CLIENT", "KILL", "TYPE", "master");
			try {
				awaitAcknowledged(master, replica, Duration.ofSeconds(5));
				return;
			}
			catch (IllegalStateException ex) {
				failure = ex;
			}
		}
		throw Objects.requireNonNull(failure);
	}

	/**
	 * Wait until the master reports the replica acknowledging an offset at least the
	 * master's own after a marker write (replicas acknowledge every second).
	 */
	private void awaitAcknowledged(RedisProcess master, RedisProcess replica, Duration timeout) {
		master.command("SET", "tiercache-test:acknowledged:" + System.nanoTime(), "1", "PX", "60000");
		long written = Long.parseLong(master.info("replication", "master_repl_offset"));
		String address = "port=" + replica.port() + ",";
		awaitCondition(timeout, "the replica to acknowledge offset " + written, () -> {
			for (String line : ((String) master.command("INFO", "replication")).split("\r\n")) {
				if (line.startsWith("slave") && line.contains(address) && line.contains("state=online")) {
					return acknowledgedOffset(line) >= written;
				}
			}
			return false;
		});
	}

	/** The {@code offset=} of a {@code slaveN:} line of {@code INFO replication}. */
	private static long acknowledgedOffset(String line) {
		for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
			if (field.startsWith("offset=")) {
				return Long.parseLong(field.substring("offset=".length()));
			}
		}
		return -1;
	}

	/** Kill the current master with {@code SIGKILL}. */
	public void killMaster() {
		this.currentMaster.kill();
	}

	/**
	 * Wait until the Sentinels have promoted the current replica: every Sentinel names it
	 * as the master, and it reports itself so. From then on it is the
	 * {@link #currentMaster()}, and the server it replaced the {@link #currentReplica()},
	 * down until {@link #rejoinAsReplica(Duration)}.
	 * @param timeout how long to wait
	 * @return the promoted replica
	 */
	public RedisProcess awaitFailover(Duration timeout) {
		RedisProcess candidate = this.currentReplica;
		awaitCondition(timeout, "the Sentinels to promote the replica",
				() -> "master".equals(candidate.info("replication", "role")) && everySentinelNames(candidate));
		this.currentReplica = this.currentMaster;
		this.currentMaster = candidate;
		return candidate;
	}

	/**
	 * Start the server a failover replaced again, as a replica of the new master, as an
	 * operator would (the Sentinels would turn it into one too, but only after watching
	 * it claim to be a master for several seconds). Returns once it is in sync and every
	 * Sentinel sees it up, so that the group can fail over again. Should the Sentinels
	 * fail over to it meanwhile, {@link #currentMaster()} and {@link #currentReplica()}
	 * swap.
	 * @param timeout how long to wait
	 */
	public void rejoinAsReplica(Duration timeout) {
		RedisProcess old = this.currentReplica;
		RedisProcess master = this.currentMaster;
		old.startAgain();
		old.command("REPLICAOF", master.host(), Integer.toString(master.port()));
		// On a loaded machine the Sentinels may find the master slow to answer while it
		// serves the rejoining replica a full resynchronisation, and fail over again, to
		// the server rejoining: the group is whole then too, with the roles swapped.
		AtomicBoolean swapped = new AtomicBoolean();
		awaitCondition(timeout, "the old master to rejoin as a replica", () -> {
			if (replicates(old, master)) {
				return true;
			}
			swapped.set(replicates(master, old) && everySentinelNames(old));
			return swapped.get();
		});
		if (swapped.get()) {
			this.currentMaster = old;
			this.currentReplica = master;
		}
		awaitReplicaInSync(timeout);
	}

	/** Whether a server is a replica with its link up and every Sentinel sees it so. */
	private boolean replicates(RedisProcess replica, RedisProcess master) {
		return "slave".equals(replica.info("replication", "role"))
				&& Integer.toString(master.port()).equals(replica.info("replication", "master_port"))
				&& "up".equals(replica.info("replication", "master_link_status"))
				&& everySentinelSeesUp(Integer.toString(replica.port()));
	}

	private boolean everySentinelNames(RedisProcess master) {
		String port = Integer.toString(master.port());
		for (RedisProcess sentinel : this.sentinels) {
			Object address = sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
			if (!(address instanceof List<?> list) || list.size() < 2 || !port.equals(list.get(1))) {
				return false;
			}
		}
		return true;
	}

	private boolean everySentinelSeesUp(String replicaPort) {
		for (RedisProcess sentinel : this.sentinels) {
			boolean up = false;
			for (Object replica : (List<?>) sentinel.command("SENTINEL", "REPLICAS", MASTER_NAME)) {
				List<?> fields = (List<?>) replica;
				String flags = String.valueOf(field(fields, "flags"));
				up |= replicaPort.equals(field(fields, "port")) && !flags.contains("down")
						&& !flags.contains("disconnected");
			}
			if (!up) {
				return false;
			}
		}
		return true;
	}

	private void awaitFormed(Duration timeout) {
		awaitReplicaInSync(timeout);
		awaitCondition(timeout, "every Sentinel to know the replica and the two other Sentinels", () -> {
			for (RedisProcess sentinel : this.sentinels) {
				List<?> master = (List<?>) sentinel.command("SENTINEL", "MASTER", MASTER_NAME);
				if (!"1".equals(field(master, "num-slaves")) || !"2".equals(field(master, "num-other-sentinels"))) {
					return false;
				}
			}
			return true;
		});
	}

	private static Object field(List<?> pairs, String name) {
		for (int i = 0; i + 1 < pairs.size(); i += 2) {
			if (name.equals(pairs.get(i))) {
				return pairs.get(i + 1);
			}
		}
		return null;
	}

	private void awaitCondition(Duration timeout, String what, RedisProcess.Condition condition) {
		RedisProcess.await(timeout, what, all(), condition);
	}

	private List<RedisProcess> all() {
		List<RedisProcess> all = new ArrayList<>(List.of(this.master, this.replica));
		all.addAll(this.sentinels);
		return all;
	}

	/** Kill every process and delete their directories. */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (RedisProcess process : all()) {
			try {
				process.close();
			}
			catch (RuntimeException ex) {
				failure = Objects.requireNonNullElse(failure, ex);
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "EmbeddedSentinelGroup[master " + this.currentMaster.uri() + ", replica " + this.currentReplica.uri()
				+ ", sentinels " + sentinelPorts() + "]";
	}

}
