package io.tiercache.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.SlotHash;

/**
 * A Redis Cluster of the bundled {@code redis-server} binary on free loopback ports:
 * three masters sharing the 16384 slots evenly and a replica each, formed with cluster
 * commands alone (no {@code redis-cli}), so that tests can run against a cluster and
 * break it for real. A node holds a silent peer as failing after {@link #NODE_TIMEOUT},
 * so a failover takes a few seconds. <pre class="code">
 * try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start()) {
 *     // spring.data.redis.cluster.nodes=cluster.nodesProperty()
 *     int slot = cluster.slotOf("{user:1}");
 *     RedisProcess old = cluster.masterOf(slot);
 *     RedisProcess promoted = cluster.killMaster(slot);
 *     cluster.rejoin(old);        // back as a replica of the promoted one
 * }
 * </pre> Roles are read from the cluster each time, so {@link #masters()},
 * {@link #masterOf(int)} and {@link #replicaOf(RedisProcess)} are right after failovers
 * and migrations. Each fault returns once every running node reports
 * {@code cluster_state:ok}, all of them agree on the roles and on who owns which slot,
 * and every replica is in sync. A failover needs the votes of a majority of the masters,
 * so the faults that kill a master need three masters or more. Plain Java;
 * {@link #close()} kills every process and deletes their directories.
 */
public final class EmbeddedRedisCluster implements AutoCloseable {

	/** How long a node waits for a peer before holding it as failing. */
	public static final Duration NODE_TIMEOUT = Duration.ofMillis(1500);

	private static final int START_ATTEMPTS = 5;

	private static final int MIGRATE_BATCH = 100;

	private static final String MIGRATE_TIMEOUT = "10000";

	private final ClusterNodes nodes;

	private EmbeddedRedisCluster(ClusterNodes nodes) {
		this.nodes = nodes;
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
			int seedBusPort = freePort(ports);
			started.add(startNode("master", freePort(ports), seedBusPort));
			for (int i = 1; i < masterCount * (1 + replicasPerMaster); i++) {
				started.add(startNode((i < masterCount) ? "master" : "replica", freePort(ports), freePort(ports)));
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
			ClusterNodes nodes = new ClusterNodes(started);
			// A replica can only follow a master it knows as one.
			nodes.awaitAgreement("every node to know every other", false, (topology) -> true);
			for (int i = masterCount; i < started.size(); i++) {
				RedisProcess master = started.get((i - masterCount) % masterCount);
				started.get(i).command("CLUSTER", "REPLICATE", nodes.id(master));
			}
			nodes.awaitSettled("the replicas to follow their masters",
					(topology) -> nodes.replicas(topology).size() == started.size() - masterCount);
			return new EmbeddedRedisCluster(nodes);
		}
		catch (RuntimeException ex) {
			started.forEach(RedisProcess::close);
			throw (ex instanceof IllegalStateException ise) ? ise
					: new IllegalStateException("Could not start a Redis Cluster: " + ex, ex);
		}
	}

	private static RedisProcess startNode(String name, int port, int busPort) {
		return RedisProcess.start(name, port, List.of("cluster-enabled yes",
				// In its directory, kept across restarts: a restarted node keeps its id,
				// epoch and role.
				"cluster-config-file nodes.conf",
				// The default, the port plus 10000, may be taken or past 65535.
				"cluster-port " + busPort, "cluster-node-timeout " + NODE_TIMEOUT.toMillis(),
				// A replica cut from its master however long ago may still be promoted.
				"cluster-replica-validity-factor 0",
				// Roles change through the faults below only, never by a replica moving
				// to an orphaned master.
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
		return this.nodes.all();
	}

	/**
	 * The running nodes in the master's role now, in the order of the slots they own.
	 */
	public List<RedisProcess> masters() {
		ClusterTopology topology = this.nodes.topology();
		return this.nodes.running()
			.stream()
			.filter((node) -> topology.node(nodeId(node)).isMaster())
			.sorted(Comparator.comparingInt((node) -> topology.firstSlotOf(nodeId(node))))
			.toList();
	}

	/** The running nodes in the replica's role now, in the order started. */
	public List<RedisProcess> replicas() {
		return this.nodes.replicas(this.nodes.topology());
	}

	/**
	 * The seeds for {@code spring.data.redis.cluster.nodes}: every node, as
	 * {@code host:port,host:port,...}.
	 */
	public String nodesProperty() {
		return nodes().stream().map((node) -> node.host() + ":" + node.port()).collect(Collectors.joining(","));
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
		String owner = this.nodes.topology().ownerOf(slot);
		if (owner == null) {
			throw new IllegalStateException("No master owns slot " + slot);
		}
		return this.nodes.node(owner);
	}

	/**
	 * A running replica of a master now.
	 * @param master the master
	 * @return its replica, the first started if it has several
	 * @throws IllegalStateException if it has none
	 */
	public RedisProcess replicaOf(RedisProcess master) {
		return replicasOf(master).get(0);
	}

	private List<RedisProcess> replicasOf(RedisProcess master) {
		String id = nodeId(master);
		ClusterTopology topology = this.nodes.topology();
		List<RedisProcess> replicas = this.nodes.running()
			.stream()
			.filter((node) -> id.equals(topology.node(nodeId(node)).masterId()))
			.toList();
		if (replicas.isEmpty()) {
			throw new IllegalStateException(master + " has no replica running");
		}
		return replicas;
	}

	/**
	 * The id a node has in the cluster, which it keeps across restarts.
	 * @param node a node of this cluster
	 * @return its 40 character id
	 */
	public String nodeId(RedisProcess node) {
		return this.nodes.id(node);
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
	 * was called.
	 */
	public void awaitReplicasInSync() {
		this.nodes.awaitReplicasInSync();
	}

	/**
	 * Kill the master owning a slot with {@code SIGKILL}, as a crash would, once its
	 * replicas have received all it acknowledged, and wait until one of them has taken
	 * its slots over. The killed node stays down until {@link #rejoin(RedisProcess)}. For
	 * a failover that loses acknowledged writes, see {@link #failOverLosingWrites}.
	 * @param slot a slot of the master
	 * @return the promoted replica, the master of the slot now
	 * @throws IllegalStateException if the master has no replica, or none is promoted
	 * within 30 seconds
	 */
	public RedisProcess killMaster(int slot) {
		RedisProcess master = masterOf(slot);
		List<RedisProcess> replicas = replicasOf(master);
		replicas.forEach((replica) -> this.nodes.awaitInSync(replica, master));
		master.kill();
		return awaitPromotion(slot, replicas);
	}

	private RedisProcess awaitPromotion(int slot, List<RedisProcess> candidates) {
		Set<String> ids = candidates.stream().map(this::nodeId).collect(Collectors.toSet());
		this.nodes.awaitSettled("a replica to take slot " + slot + " over",
				(topology) -> ids.contains(topology.ownerOf(slot)));
		return masterOf(slot);
	}

	/**
	 * Kill the master owning a slot after it has acknowledged writes that none of its
	 * replicas received, and wait until a replica has taken its slots over without them:
	 * the failover that loses acknowledged writes, which Redis Cluster admits, made
	 * deterministic. The replicas are suspended ({@code SIGSTOP}), the master drops its
	 * links to them ({@code CLIENT KILL TYPE replica}), the caller writes to the master,
	 * the master is killed ({@code SIGKILL}), and the replicas are resumed to elect one
	 * of them. If {@code writes} throws, the replicas are resumed and the master is left
	 * running. The killed node stays down until {@link #rejoin(RedisProcess)}.
	 * @param slot a slot of the master
	 * @param writes what to write to the master, which acknowledges it; brief, as the
	 * replicas are stopped meanwhile
	 * @return the promoted replica, the master of the slot now
	 * @throws IllegalStateException if the master has no replica, or none is promoted
	 * within 30 seconds
	 */
	public RedisProcess failOverLosingWrites(int slot, Runnable writes) {
		RedisProcess master = masterOf(slot);
		List<RedisProcess> replicas = replicasOf(master);
		// What was written before is kept: only the caller's writes are lost.
		replicas.forEach((replica) -> this.nodes.awaitInSync(replica, master));
		replicas.forEach(RedisProcess::suspend);
		try {
			// A stopped replica cannot reconnect: from now on the master's writes reach
			// its backlog only.
			master.command("CLIENT", "KILL", "TYPE", "replica");
			writes.run();
			master.kill();
		}
		finally {
			replicas.forEach(RedisProcess::resume);
		}
		return awaitPromotion(slot, replicas);
	}

	/**
	 * Fail over the master owning a slot to its replica with {@code CLUSTER FAILOVER}, as
	 * an operator would before maintenance: the master stops taking writes until the
	 * replica has them all, so nothing is lost, and then follows the replica. Returns
	 * once every node sees the roles swapped.
	 * @param slot a slot of the master
	 * @return the promoted replica, the master of the slot now
	 * @throws IllegalStateException if the master has no replica, or the roles do not
	 * swap within 30 seconds
	 */
	public RedisProcess gracefulFailover(int slot) {
		RedisProcess master = masterOf(slot);
		RedisProcess replica = replicaOf(master);
		String masterId = nodeId(master);
		String replicaId = nodeId(replica);
		replica.command("CLUSTER", "FAILOVER");
		this.nodes.awaitSettled(replica + " and " + master + " to swap roles",
				(topology) -> replicaId.equals(topology.ownerOf(slot))
						&& replicaId.equals(topology.node(masterId).masterId()));
		return replica;
	}

	/**
	 * Move a slot with its keys to another master, as a resharding does: the target
	 * imports it, the source migrates it and moves its keys over with {@code MIGRATE} in
	 * batches, then every master is told the target owns it. Meanwhile clients are sent
	 * {@code ASK} for keys already moved, and {@code MOVED} afterwards.
	 * @param slot the slot
	 * @param target the master to own it
	 * @throws IllegalArgumentException if the target is not a master
	 * @throws IllegalStateException if the nodes do not agree on the new owner within 30
	 * seconds
	 */
	public void migrateSlot(int slot, RedisProcess target) {
		RedisProcess source = masterOf(slot);
		if (source == target) {
			return;
		}
		List<RedisProcess> masters = masters();
		if (!masters.contains(target)) {
			throw new IllegalArgumentException(target + " is not a master of " + this);
		}
		String slotName = Integer.toString(slot);
		String targetId = nodeId(target);
		target.command("CLUSTER", "SETSLOT", slotName, "IMPORTING", nodeId(source));
		source.command("CLUSTER", "SETSLOT", slotName, "MIGRATING", targetId);
		List<?> keys = (List<?>) source.command("CLUSTER", "GETKEYSINSLOT", slotName, Integer.toString(MIGRATE_BATCH));
		while (!keys.isEmpty()) {
			List<String> migrate = new ArrayList<>(List.of("MIGRATE", target.host(), Integer.toString(target.port()),
					"", "0", MIGRATE_TIMEOUT, "KEYS"));
			keys.forEach((key) -> migrate.add((String) key));
			source.command(migrate.toArray(new String[0]));
			keys = (List<?>) source.command("CLUSTER", "GETKEYSINSLOT", slotName, Integer.toString(MIGRATE_BATCH));
		}
		// The target first: once the source lets go, clients it sends to the target
		// must find the slot there.
		target.command("CLUSTER", "SETSLOT", slotName, "NODE", targetId);
		source.command("CLUSTER", "SETSLOT", slotName, "NODE", targetId);
		for (RedisProcess master : masters) {
			if (master != source && master != target) {
				master.command("CLUSTER", "SETSLOT", slotName, "NODE", targetId);
			}
		}
		this.nodes.awaitSettled("every node to see slot " + slot + " on " + target,
				(topology) -> targetId.equals(topology.ownerOf(slot)));
	}

	/**
	 * Stop a node with {@code SIGTERM} and start it again on the same port in the same
	 * directory, where its {@code nodes.conf} keeps its id, epoch and role, and wait
	 * until the cluster is ok again and every replica is in sync. The processes persist
	 * nothing by themselves, so the node saves a snapshot first and reloads it: a
	 * restarted master keeps its keys, as one restarted from its files would, and a
	 * replica catches up from where it stopped. A master back within
	 * {@link #NODE_TIMEOUT} stays master.
	 * @param node a running node
	 * @throws IllegalStateException if it is not running, comes back with another id, or
	 * the cluster is not ok again within 30 seconds
	 */
	public void restartNode(RedisProcess node) {
		String id = nodeId(node);
		if (!node.isRunning()) {
			throw new IllegalStateException(node + " is down: rejoin(node) starts a killed node again");
		}
		node.command("SAVE");
		node.stop();
		node.startAgain();
		Object restartedId = node.command("CLUSTER", "MYID");
		if (!id.equals(restartedId)) {
			throw new IllegalStateException(node + " came back as node " + restartedId + ", not " + id);
		}
		this.nodes.awaitSettled("the cluster to be ok again after restarting " + node, (topology) -> true);
	}

	/**
	 * Start a node killed by a failover again, and wait until it has rejoined as a
	 * replica and is in sync. Redis Cluster does that by itself: the node comes back with
	 * its old {@code nodes.conf} claiming its old slots, learns that a node of a later
	 * epoch owns them, and follows it.
	 * @param killed a node that is down, such as the master {@link #killMaster(int)}
	 * killed
	 * @throws IllegalStateException if it is running, or does not rejoin within 30
	 * seconds
	 */
	public void rejoin(RedisProcess killed) {
		String id = nodeId(killed);
		if (killed.isRunning()) {
			throw new IllegalStateException(killed + " is running: only a node that is down rejoins");
		}
		killed.startAgain();
		this.nodes.awaitSettled(killed + " to rejoin as a replica", (topology) -> topology.node(id).isReplica());
	}

	/** Kill every process and delete their directories. */
	@Override
	public void close() {
		this.nodes.close();
	}

	@Override
	public String toString() {
		return "EmbeddedRedisCluster[" + nodesProperty() + "]";
	}

}
