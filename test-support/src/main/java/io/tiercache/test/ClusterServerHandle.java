package io.tiercache.test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.lettuce.core.cluster.SlotHash;

/**
 * A {@link RedisServerHandle} over an {@link EmbeddedRedisCluster}, so that a test
 * written for one server runs against a Redis Cluster unchanged
 * ({@code -Dtiercache.test.redis=cluster}). A command on a key goes to the key's master;
 * "the server" of everything else (pauses, sleeps, commands without a key) is the master
 * that serves the slot of {@code {tc:v1}}, where tiercache's keys all lived before they
 * were spread over slot groups. Stopping stops the whole cluster, and starting starts
 * every node again, empty, keeping the cluster's layout; flushing and killing clients
 * apply to every node.
 */
final class ClusterServerHandle implements OwnedRedisServer {

	/** The slot of {@code {tc:v1}}, tiercache's keys under its default settings. */
	static final int TIERCACHE_SLOT = SlotHash.getSlot("{tc:v1}:seq");

	private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

	/** Commands whose first argument is the key (or shard channel) that routes them. */
	private static final Set<String> KEYED_COMMANDS = Set.of("GET", "SET", "DEL", "UNLINK", "EXISTS", "TYPE", "STRLEN",
			"GETRANGE", "SETRANGE", "APPEND", "INCR", "INCRBY", "TTL", "PTTL", "EXPIRE", "PEXPIRE", "PERSIST", "DUMP",
			"RESTORE", "OBJECT", "HGET", "HSET", "HDEL", "HMGET", "HGETALL", "HINCRBY", "HEXISTS", "HLEN", "LPUSH",
			"RPUSH", "SADD", "ZADD", "SPUBLISH");

	private final EmbeddedRedisCluster cluster;

	private ClusterServerHandle(EmbeddedRedisCluster cluster) {
		this.cluster = cluster;
	}

	static ClusterServerHandle startCluster() {
		return new ClusterServerHandle(EmbeddedRedisCluster.start());
	}

	/** The cluster, for tests that inject cluster faults. */
	EmbeddedRedisCluster cluster() {
		return this.cluster;
	}

	private RedisProcess master() {
		return this.cluster.masterOf(TIERCACHE_SLOT);
	}

	@Override
	public String host() {
		return master().host();
	}

	@Override
	public int port() {
		return master().port();
	}

	@Override
	public String uri() {
		return master().uri();
	}

	@Override
	public String[] springProperties() {
		return new String[] { "spring.data.redis.cluster.nodes=" + this.cluster.nodesProperty() };
	}

	@Override
	public List<String> clusterNodes() {
		return Arrays.asList(this.cluster.nodesProperty().split(","));
	}

	@Override
	public boolean isRunning() {
		return this.cluster.nodes().stream().allMatch(RedisProcess::isRunning);
	}

	@Override
	public void stop() {
		this.cluster.nodes().forEach(RedisProcess::stop);
	}

	@Override
	public void start() {
		if (isRunning()) {
			return;
		}
		for (RedisProcess node : this.cluster.nodes()) {
			if (!node.isRunning()) {
				node.startAgain();
			}
		}
		awaitClusterOk();
	}

	@Override
	public void restart() {
		stop();
		start();
	}

	private void awaitClusterOk() {
		RedisProcess.await(SETTLE_TIMEOUT, "the cluster to come back", this.cluster.nodes(), this::clusterOk);
		this.cluster.awaitReplicasInSync();
	}

	private boolean clusterOk() {
		for (RedisProcess node : this.cluster.nodes()) {
			if (!((String) node.command("CLUSTER", "INFO")).contains("cluster_state:ok")) {
				return false;
			}
		}
		return true;
	}

	/** Pause every master: tiercache's keys are spread over all of them. */
	@Override
	public void pause(Duration duration) {
		for (RedisProcess master : this.cluster.masters()) {
			master.command("CLIENT", "PAUSE", Long.toString(Math.max(1, duration.toMillis())), "ALL");
		}
	}

	@Override
	public void debugSleep(Duration duration) {
		try (DefaultRedisServerHandle master = DefaultRedisServerHandle.commandsOnly(uri())) {
			master.debugSleep(duration);
		}
	}

	@Override
	public void flushAll() {
		this.cluster.flushAll();
	}

	@Override
	public long killClients(String type) {
		long killed = 0;
		for (RedisProcess node : this.cluster.nodes()) {
			killed += (Long) node.command("CLIENT", "KILL", "TYPE", type);
		}
		return killed;
	}

	/**
	 * Run a command on the master of its key, for the commands whose first argument is
	 * one; any other command goes to the master of tiercache's default slot.
	 */
	@Override
	public Object command(String... args) {
		if (args.length > 1 && KEYED_COMMANDS.contains(args[0].toUpperCase(Locale.ROOT))) {
			return this.cluster.command(args[1], args);
		}
		return master().command(args);
	}

	@Override
	public Object commandOnNodeOf(String key, String... args) {
		return this.cluster.command(key, args);
	}

	@Override
	public boolean isEmbedded() {
		return true;
	}

	@Override
	public void close() {
		this.cluster.close();
	}

	@Override
	public String toString() {
		return "the master of slot " + TIERCACHE_SLOT + " in " + this.cluster;
	}

}
