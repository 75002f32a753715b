package io.tiercache.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.SlotHash;

/**
 * A Redis Cluster of the bundled {@code redis-server} binary on free loopback ports:
 * three masters sharing the 16384 slots evenly and a replica each, formed with cluster
 * commands alone (no {@code redis-cli}), so that tests can run against a cluster. A node
 * holds a silent peer as failing after {@link #NODE_TIMEOUT}. <pre class="code">
 * try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start()) {
 *     // spring.data.redis.cluster.nodes=cluster.nodesProperty()
 *     RedisProcess master = cluster.masterOf(cluster.slotOf("{user:1}"));
 * }
 * </pre> Roles are read from the cluster each time, so {@link #masters()},
 * {@link #masterOf(int)} and {@link #replicaOf(RedisProcess)} stay right when they
 * change. Plain Java; {@link #close()} kills every process and deletes their directories.
 */
public final class EmbeddedRedisCluster implements AutoCloseable {

	/** How long a node waits for a peer before holding it as failing. */
	public static final Duration NODE_TIMEOUT = Duration.ofMillis(1500);

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final int START_ATTEMPTS = 5;

	private final List<RedisProcess> nodes;

	private final Map<RedisProcess, String> ids;

	private EmbeddedRedisCluster(List<RedisProcess> nodes) {
		this.nodes = nodes;
		this.ids = new LinkedHashMap<>();
		for (RedisProcess node : nodes) {
			this.ids.put(node, (String) node.command("CLUSTER", "MYID"));
		}
	}

	/**
	 * Start three masters with a replica each, and wait until the cluster is ok on every
	 * node and every replica is in sync.
	 * @return the running cluster
	 * @throws IllegalStateException if a process does not start (with the end of its log)
	 * or the cluster does not form within 30 seconds
	 */
	public static EmbeddedRedisCluster start() {
		return start(3, 1);
	}

	/**
	 * Start a cluster of the given shape, and wait until it is ok on every node and every
	 * replica is in sync.
	 * @param masters how many masters share the slots
	 * @param replicasPerMaster how many replicas each master has, possibly none
	 * @return the running cluster
	 * @throws IllegalStateException if a process does not start (with the end of its log)
	 * or the cluster does not form within 30 seconds
	 */
	public static EmbeddedRedisCluster start(int masters, int replicasPerMaster) {
		if (masters < 1 || replicasPerMaster < 0) {
			throw new IllegalArgumentException(
					"A cluster needs a master or more, got " + masters + " with " + replicasPerMaster + " replicas");
		}
		IllegalStateException failure = new IllegalStateException(
				"Could not start a Redis Cluster after " + START_ATTEMPTS + " attempts");
		for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
			try {
				return tryStart(masters, replicasPerMaster);
			}
			catch (IllegalStateException ex) {
				failure.addSuppressed(ex);
			}
		}
		throw failure;
	}

	private static EmbeddedRedisCluster tryStart(int masterCount, int replicasPerMaster) {
		List<RedisProcess> started = new ArrayList<>();
		try {
			Set<Integer> ports = new HashSet<>();
			int seedBusPort = 0;
			for (int i = 0; i < masterCount * (1 + replicasPerMaster); i++) {
				int busPort = freePort(ports);
				started.add(startNode((i < masterCount) ? "master" : "replica", freePort(ports), busPort));
				seedBusPort = (i == 0) ? busPort : seedBusPort;
			}
			for (int i = 0; i < masterCount; i++) {
				started.get(i)
					.command("CLUSTER", "ADDSLOTSRANGE", Integer.toString(i * SlotHash.SLOT_COUNT / masterCount),
							Integer.toString((i + 1) * SlotHash.SLOT_COUNT / masterCount - 1));
			}
			RedisProcess seed = started.get(0);
			for (RedisProcess node : started.subList(1, started.size())) {
				node.command("CLUSTER", "MEET", seed.host(), Integer.toString(seed.port()),
						Integer.toString(seedBusPort));
			}
			EmbeddedRedisCluster cluster = new EmbeddedRedisCluster(List.copyOf(started));
			// A replica can only follow a master it knows as one.
			cluster.awaitCondition("every node to know every other", () -> cluster.settled((topology) -> true, false));
			for (int i = masterCount; i < started.size(); i++) {
				RedisProcess master = started.get((i - masterCount) % masterCount);
				started.get(i).command("CLUSTER", "REPLICATE", cluster.nodeId(master));
			}
			cluster.awaitSettled("the replicas to join their masters",
					(topology) -> cluster.replicas(topology).size() == started.size() - masterCount);
			return cluster;
		}
		catch (RuntimeException ex) {
			started.forEach(RedisProcess::close);
			throw (ex instanceof IllegalStateException ise) ? ise
					: new IllegalStateException("Could not start a Redis Cluster: " + ex, ex);
		}
	}

	private static RedisProcess startNode(String name, int port, int busPort) {
		return RedisProcess.start(name, port, List.of("cluster-enabled yes",
				// relative to its directory, kept across restarts: a restarted node keeps
				// its
				// id, epoch and role
				"cluster-config-file nodes.conf",
				// the default, port + 10000, may be taken or past 65535
				"cluster-port " + busPort, "cluster-node-timeout " + NODE_TIMEOUT.toMillis(),
				// a replica cut from its master long ago may still be promoted
				"cluster-replica-validity-factor 0",
				// roles change only through the faults below, never by replicas moving to
				// orphaned masters
				"cluster-allow-replica-migration no"), false);
	}

	private static int freePort(Set<Integer> taken) {
		int port = EmbeddedRedis.freePort();
		while (!taken.add(port)) {
			port = EmbeddedRedis.freePort();
		}
		return port;
	}

	/** Every node, in the order started: the masters first, then their replicas. */
	public List<RedisProcess> nodes() {
		return this.nodes;
	}

	/**
	 * The running nodes in the master's role now, in the order of the slots they own.
	 */
	public List<RedisProcess> masters() {
		ClusterTopology topology = topology();
		return running().stream()
			.filter((node) -> topology.node(nodeId(node)).isMaster())
			.sorted(Comparator.comparingInt((node) -> topology.firstSlotOf(nodeId(node))))
			.toList();
	}

	/** The running nodes in the replica's role now, in the order started. */
	public List<RedisProcess> replicas() {
		return replicas(topology());
	}

	private List<RedisProcess> replicas(ClusterTopology topology) {
		return running().stream().filter((node) -> topology.node(nodeId(node)).isReplica()).toList();
	}

	/**
	 * The seeds for {@code spring.data.redis.cluster.nodes}: every node, as
	 * {@code host:port,host:port,...}.
	 */
	public String nodesProperty() {
		return this.nodes.stream().map((node) -> node.host() + ":" + node.port()).collect(Collectors.joining(","));
	}

	/**
	 * The slot of a key, of its hash tag if it has one: {@code {user:1}.name} and
	 * {@code {user:1}.mail} share one.
	 * @param key the key
	 * @return its slot, from 0 to 16383
	 */
	public int slotOf(String key) {
		return SlotHash.getSlot(key);
	}

	/**
	 * The master owning a slot now, as a running node sees it.
	 * @param slot the slot
	 * @return its master
	 * @throws IllegalStateException if no master owns it
	 */
	public RedisProcess masterOf(int slot) {
		String owner = topology().ownerOf(slot);
		if (owner == null) {
			throw new IllegalStateException("No master owns slot " + slot);
		}
		return node(owner);
	}

	/**
	 * A running replica of a master now.
	 * @param master the master
	 * @return its replica, the first started if it has several
	 * @throws IllegalStateException if it has none
	 */
	public RedisProcess replicaOf(RedisProcess master) {
		String id = nodeId(master);
		ClusterTopology topology = topology();
		return running().stream()
			.filter((node) -> id.equals(topology.node(nodeId(node)).masterId()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(master + " has no replica running"));
	}

	/**
	 * The id a node has in the cluster, which it keeps across restarts.
	 * @param node a node of this cluster
	 * @return its 40 character id
	 */
	public String nodeId(RedisProcess node) {
		String id = this.ids.get(node);
		if (id == null) {
			throw new IllegalArgumentException(node + " is not a node of " + this);
		}
		return id;
	}

	/** Delete every key, on every master, and so on their replicas. */
	public void flushAll() {
		masters().forEach((master) -> master.command("FLUSHALL"));
	}

	/**
	 * Run a command on the master owning a key, on a short-lived connection.
	 * @param key the key, which decides the master
	 * @param args the command and its arguments, the key among them
	 * @return the reply
	 */
	public Object command(String key, String... args) {
		return masterOf(slotOf(key)).command(args);
	}

	/**
	 * Wait until every running replica has received what its master had written when this
	 * was called: its offset in the replication stream has reached the master's. Not by
	 * reading a marker key on the replica: a replica answers reads with {@code MOVED}
	 * unless the connection sent {@code READONLY} first, and each command here has a
	 * connection of its own.
	 */
	public void awaitReplicasInSync() {
		ClusterTopology topology = topology();
		for (RedisProcess replica : replicas(topology)) {
			awaitInSync(replica, node(topology.node(nodeId(replica)).masterId()));
		}
	}

	private void awaitInSync(RedisProcess replica, RedisProcess master) {
		long offset = Long.parseLong(master.info("replication", "master_repl_offset"));
		String port = Integer.toString(master.port());
		awaitCondition(replica + " to catch up with " + master,
				() -> "up".equals(replica.info("replication", "master_link_status"))
						&& port.equals(replica.info("replication", "master_port"))
						&& Long.parseLong(replica.info("replication", "slave_repl_offset")) >= offset);
	}

	/**
	 * Whether every running node reports the cluster ok, knows every node, holds the
	 * other running nodes as reachable, and sees the same layout, one the caller expects.
	 */
	private boolean settled(Predicate<ClusterTopology> expected, boolean ok) {
		List<RedisProcess> live = running().stream().filter((node) -> !node.isSuspended()).toList();
		String layout = null;
		for (RedisProcess node : live) {
			if (ok && !"ok".equals(field((String) node.command("CLUSTER", "INFO"), "cluster_state"))) {
				return false;
			}
			ClusterTopology topology = topology(node);
			if (topology.nodes().size() != this.nodes.size() || !expected.test(topology)) {
				return false;
			}
			for (RedisProcess other : live) {
				ClusterTopology.Node seen = topology.node(nodeId(other));
				if (seen == null || !seen.isHealthy()) {
					return false;
				}
			}
			if (layout != null && !layout.equals(topology.layout())) {
				return false;
			}
			layout = topology.layout();
		}
		return true;
	}

	private void awaitSettled(String what, Predicate<ClusterTopology> expected) {
		awaitCondition(what, () -> settled(expected, true));
		awaitReplicasInSync();
	}

	/** The topology as the first running node sees it. */
	private ClusterTopology topology() {
		for (RedisProcess node : running()) {
			if (!node.isSuspended()) {
				return topology(node);
			}
		}
		throw new IllegalStateException("No node of " + this + " is running");
	}

	private static ClusterTopology topology(RedisProcess node) {
		return ClusterTopology.parse((String) node.command("CLUSTER", "NODES"));
	}

	private List<RedisProcess> running() {
		return this.nodes.stream().filter(RedisProcess::isRunning).toList();
	}

	private RedisProcess node(String id) {
		for (Map.Entry<RedisProcess, String> entry : this.ids.entrySet()) {
			if (entry.getValue().equals(id)) {
				return entry.getKey();
			}
		}
		throw new IllegalStateException("No node of " + this + " has the id " + id);
	}

	private static String field(String text, String name) {
		for (String line : text.split("\r\n")) {
			if (line.startsWith(name + ":")) {
				return line.substring(name.length() + 1);
			}
		}
		return null;
	}

	private void awaitCondition(String what, Condition condition) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		RuntimeException last = null;
		while (System.nanoTime() - deadline < 0) {
			try {
				if (condition.holds()) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex;
			}
			RedisProcess.pause(Duration.ofMillis(50));
		}
		StringBuilder logs = new StringBuilder();
		for (RedisProcess node : this.nodes) {
			logs.append("\n--- ").append(node).append(":\n").append(node.logTail());
		}
		throw new IllegalStateException("Timed out after " + TIMEOUT + " waiting for " + what + logs, last);
	}

	/** Kill every process and delete their directories. */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (RedisProcess node : this.nodes) {
			try {
				node.close();
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
		return "EmbeddedRedisCluster[" + nodesProperty() + "]";
	}

	@FunctionalInterface
	private interface Condition {

		boolean holds();

	}

}
