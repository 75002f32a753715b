package io.tiercache.test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The processes of an {@link EmbeddedRedisCluster} with their node ids, and the waits its
 * faults share: until every running node agrees on the cluster, until a replica is in
 * sync. Every command runs on a short-lived connection of {@link RedisProcess}, and a
 * node that is down or {@link RedisProcess#suspend() suspended} is never asked: it would
 * make each check wait for a timeout.
 */
final class ClusterNodes implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisProcess> nodes;

	private final Map<RedisProcess, String> ids = new LinkedHashMap<>();

	ClusterNodes(List<RedisProcess> nodes) {
		this.nodes = List.copyOf(nodes);
		for (RedisProcess node : nodes) {
			this.ids.put(node, (String) node.command("CLUSTER", "MYID"));
		}
	}

	List<RedisProcess> all() {
		return this.nodes;
	}

	/** The nodes running, suspended ones too, in the order started. */
	List<RedisProcess> running() {
		return this.nodes.stream().filter(RedisProcess::isRunning).toList();
	}

	/** The nodes that answer: running and not suspended. */
	List<RedisProcess> live() {
		return this.nodes.stream().filter((node) -> node.isRunning() && !node.isSuspended()).toList();
	}

	/** The id a node had at start: it keeps it across restarts, in its nodes.conf. */
	String id(RedisProcess node) {
		String id = this.ids.get(node);
		if (id == null) {
			throw new IllegalArgumentException(node + " is not a node of this cluster");
		}
		return id;
	}

	RedisProcess node(String id) {
		for (Map.Entry<RedisProcess, String> entry : this.ids.entrySet()) {
			if (entry.getValue().equals(id)) {
				return entry.getKey();
			}
		}
		throw new IllegalStateException("No node of this cluster has the id " + id);
	}

	/** The topology as the first live node sees it. */
	ClusterTopology topology() {
		List<RedisProcess> live = live();
		if (live.isEmpty()) {
			throw new IllegalStateException("No node of this cluster is running");
		}
		return topology(live.get(0));
	}

	/** The running nodes a topology gives the replica's role, in the order started. */
	List<RedisProcess> replicas(ClusterTopology topology) {
		return running().stream().filter((node) -> topology.node(id(node)).isReplica()).toList();
	}

	/**
	 * Wait until the cluster has settled: every live node reports
	 * {@code cluster_state:ok}, knows every node, holds the other live nodes as reachable
	 * and sees the same layout, one the caller expects; then until every replica is in
	 * sync.
	 * @param what what is awaited, for the message of a timeout
	 * @param expected what the layout must show, such as a slot's new owner
	 */
	void awaitSettled(String what, Predicate<ClusterTopology> expected) {
		awaitAgreement(what, true, expected);
		awaitReplicasInSync();
	}

	/**
	 * Wait until every live node knows every node, holds the other live nodes as
	 * reachable and sees the same layout, one the caller expects.
	 * @param what what is awaited, for the message of a timeout
	 * @param ok whether every live node must also report {@code cluster_state:ok}
	 * @param expected what the layout must show
	 */
	void awaitAgreement(String what, boolean ok, Predicate<ClusterTopology> expected) {
		awaitCondition(what, () -> {
			List<RedisProcess> live = live();
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
					ClusterTopology.Node seen = topology.node(id(other));
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
		});
	}

	/** Wait until every running replica is in sync with its master. */
	void awaitReplicasInSync() {
		ClusterTopology topology = topology();
		for (RedisProcess replica : replicas(topology)) {
			awaitInSync(replica, node(topology.node(id(replica)).masterId()));
		}
	}

	/**
	 * Wait until a replica has received what its master had written when this was called:
	 * its offset in the replication stream has reached the master's. Not by reading a
	 * marker key on the replica: a replica answers reads with {@code MOVED} unless the
	 * connection sent {@code READONLY} first, and each command here has a connection of
	 * its own.
	 * @param replica the replica
	 * @param master its master
	 */
	void awaitInSync(RedisProcess replica, RedisProcess master) {
		long offset = Long.parseLong(master.info("replication", "master_repl_offset"));
		String port = Integer.toString(master.port());
		awaitCondition(replica + " to catch up with " + master,
				() -> "up".equals(replica.info("replication", "master_link_status"))
						&& port.equals(replica.info("replication", "master_port"))
						&& Long.parseLong(replica.info("replication", "slave_repl_offset")) >= offset);
	}

	/**
	 * Wait until a condition holds, failing after 30 seconds with the end of every node's
	 * log. A check that throws, as one asking a node that is going down may, is tried
	 * again.
	 * @param what what is awaited, for the message
	 * @param condition the condition
	 */
	void awaitCondition(String what, RedisProcess.Condition condition) {
		RedisProcess.await(TIMEOUT, what, this.nodes, condition);
	}

	private static ClusterTopology topology(RedisProcess node) {
		return ClusterTopology.parse((String) node.command("CLUSTER", "NODES"));
	}

	private static String field(String text, String name) {
		for (String line : text.split("\r\n")) {
			if (line.startsWith(name + ":")) {
				return line.substring(name.length() + 1);
			}
		}
		return null;
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

}
