package io.tiercache.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.tiercache.test.EmbeddedRedis;
import io.tiercache.test.EmbeddedRedisCluster;
import io.tiercache.test.EmbeddedSentinelGroup;
import io.tiercache.test.RedisProcess;

/**
 * The Redis every instance shares, owned by the checker so that it can kill connections,
 * restart, pause, flush and starve the server, and fail it over. Admin commands go
 * through a Lettuce connection of the checker's own to the current master, which
 * {@code CLIENT KILL} spares ({@code SKIPME} defaults to yes).
 * <p>
 * Five deployments: an embedded {@code redis-server} without persistence (instances in
 * the checker's JVM); one with an append-only file synced every second (instances as
 * processes), which can be restarted from that file with its last writes lost; a Sentinel
 * group of a master, a replica and three Sentinels ({@code --sentinel}), which can fail
 * over with the writes the replica missed lost; a Redis Cluster of three masters with a
 * replica each ({@code --cluster}), whose master serving tiercache's slot can be killed,
 * failed over with writes lost, restarted, or have the slot migrated away; or
 * {@code REDIS_URL} if set (the server is flushed, and a restart is emulated by what a
 * restart without persistence does to clients: data and scripts gone, every connection
 * dropped).
 */
final class RedisUnderTest implements AutoCloseable {

	private static final String JUNK_PREFIX = "consistency-checker:junk:";

	/**
	 * Where the memory fault writes its junk: on a cluster, in tiercache's slot, since
	 * the admin connection goes to that slot's master, which refuses other slots' keys.
	 */
	private final String junkPrefix;

	/** How long the Sentinels may take to promote the replica, or a server to rejoin. */
	private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);

	private final Deployment deployment;

	private final RedisClient client;

	/** The URI of the admin connection's server: the master's when it was made. */
	private String connectedTo;

	private StatefulRedisConnection<String, String> connection;

	private RedisCommands<String, String> commands;

	private RedisUnderTest(Deployment deployment) {
		this(deployment, JUNK_PREFIX);
	}

	private RedisUnderTest(Deployment deployment, String junkPrefix) {
		this.deployment = deployment;
		this.junkPrefix = junkPrefix;
		this.client = RedisClient.create();
		connect(deployment.uri());
	}

	/**
	 * Connect to {@code REDIS_URL}, flushing it, or start an embedded server without
	 * persistence.
	 * @return the server
	 */
	static RedisUnderTest start() {
		String url = System.getenv("REDIS_URL");
		if (url != null && !url.isBlank()) {
			RedisUnderTest redis = new RedisUnderTest(new External(url));
			redis.flushAll();
			return redis;
		}
		return create(new Embedded(EmbeddedRedis.start()));
	}

	/**
	 * The Redis of a run with instances as processes: {@code REDIS_URL} if set, else a
	 * Sentinel group, a Redis Cluster, or a server with an append-only file.
	 * @param topology what to start
	 * @param tiercacheKey a key of the run's namespace: on a cluster, the faults hit the
	 * master serving its slot, where every key of the namespace lives
	 * @return the server
	 */
	static RedisUnderTest forProcesses(CheckerOptions.Topology topology, String tiercacheKey) {
		String url = System.getenv("REDIS_URL");
		if (url != null && !url.isBlank()) {
			if (topology != CheckerOptions.Topology.STANDALONE) {
				throw new IllegalArgumentException("--sentinel and --cluster start their own servers: unset REDIS_URL");
			}
			return start();
		}
		return create(switch (topology) {
			case SENTINEL -> new Sentinel(EmbeddedSentinelGroup.start());
			case CLUSTER -> {
				EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start();
				yield new Cluster(cluster, cluster.slotOf(tiercacheKey));
			}
			case STANDALONE -> new AppendOnly(RedisProcess.appendOnly());
		}, (topology != CheckerOptions.Topology.CLUSTER) ? JUNK_PREFIX
				: tiercacheKey.substring(0, tiercacheKey.indexOf('}') + 1) + ":" + JUNK_PREFIX);
	}

	private static RedisUnderTest create(Deployment deployment) {
		return create(deployment, JUNK_PREFIX);
	}

	private static RedisUnderTest create(Deployment deployment, String junkPrefix) {
		try {
			return new RedisUnderTest(deployment, junkPrefix);
		}
		catch (RuntimeException ex) {
			deployment.close();
			throw ex;
		}
	}

	private void connect(String uri) {
		RedisURI redisUri = RedisURI.create(uri);
		redisUri.setTimeout(Duration.ofSeconds(5));
		StatefulRedisConnection<String, String> previous = this.connection;
		this.connection = this.client.connect(redisUri);
		this.commands = this.connection.sync();
		this.connectedTo = uri;
		if (previous != null) {
			previous.closeAsync();
		}
	}

	/** Admin commands on the current master, following a failover. */
	private RedisCommands<String, String> commands() {
		String uri = this.deployment.uri();
		if (!uri.equals(this.connectedTo)) {
			connect(uri);
		}
		return this.commands;
	}

	/** Spring properties that point an instance at this server. */
	Map<String, Object> springProperties() {
		return this.deployment.springProperties();
	}

	/** {@code CLIENT KILL TYPE pubsub}: every subscription drops. */
	long killPubSubClients() {
		return commands().clientKill(KillArgs.Builder.typePubsub());
	}

	/**
	 * {@code CLIENT KILL TYPE normal}: every command connection but the checker's drops.
	 */
	long killNormalClients() {
		return commands().clientKill(KillArgs.Builder.typeNormal());
	}

	/**
	 * Restart without persistence: every key, script and connection is lost, and the next
	 * sequence hash starts a new epoch.
	 * @return what was done
	 */
	String restart() {
		return this.deployment.restart(this);
	}

	/**
	 * Let writes go on for the window, then kill the server and start it again from its
	 * append-only file cut back to where it was when the window opened: what an operating
	 * system crash does to the writes {@code appendfsync everysec} acknowledged but had
	 * not synced. The server comes back with a new run id, which is how the library
	 * notices.
	 * @param window how long the writes that are lost last
	 * @return what was done
	 * @throws UnsupportedOperationException unless the server has an append-only file
	 */
	String restartLosingLastWrites(Duration window) {
		return this.deployment.restartLosingLastWrites(window);
	}

	/**
	 * Cut replication for the window, then kill the master and wait for the Sentinels to
	 * promote the replica, which never got the writes of the window: the acknowledged
	 * invalidations among them are lost.
	 * @param window how long the writes that are lost last
	 * @return what was done
	 * @throws UnsupportedOperationException unless the deployment is a Sentinel group
	 */
	String failOverLosingWrites(Duration window) {
		return this.deployment.failOverLosingWrites(window);
	}

	/**
	 * {@code SIGKILL} of the master serving tiercache's slot, and the promotion of its
	 * replica, which has every write.
	 * @return what was done
	 * @throws UnsupportedOperationException unless the deployment is a cluster
	 */
	String killMaster() {
		return this.deployment.killMaster();
	}

	/**
	 * Move tiercache's slot, with its keys, to another master.
	 * @return what was done
	 * @throws UnsupportedOperationException unless the deployment is a cluster
	 */
	String migrate() {
		return this.deployment.migrate();
	}

	/**
	 * Make the deployment whole again after a fault, outside of the fault's time: the
	 * server a failover replaced rejoins as a replica.
	 */
	void recover() {
		this.deployment.recover();
	}

	/** {@code CLIENT PAUSE millis ALL}: every client's commands wait. */
	void pause(Duration duration) {
		commands().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(duration.toMillis()).add("ALL"));
	}

	/**
	 * {@code DEBUG SLEEP}: the whole server stops for the duration. Servers without
	 * {@code enable-debug-command} refuse it.
	 * @throws io.lettuce.core.RedisCommandExecutionException if refused
	 */
	void debugSleep(Duration duration) {
		commands().dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add(duration.toMillis() / 1000.0));
	}

	void flushAll() {
		commands().flushall();
	}

	/**
	 * Lower {@code maxmemory} to a little above what is in use, with {@code allkeys-lru},
	 * and write junk for a while so that Redis evicts whatever it likes (entries, tag
	 * records, the sequence hash); then restore the settings and remove the junk.
	 * @param hold how long to keep writing junk
	 * @return number of keys Redis evicted meanwhile
	 */
	long squeezeMemory(Duration hold) {
		Map<String, String> saved = commands().configGet("maxmemory", "maxmemory-policy");
		long evictedBefore = infoField("stats", "evicted_keys");
		long used = infoField("memory", "used_memory");
		Map<String, String> squeezed = new LinkedHashMap<>();
		squeezed.put("maxmemory", Long.toString(used + 2 * 1024 * 1024));
		squeezed.put("maxmemory-policy", "allkeys-lru");
		commands().configSet(squeezed);
		try {
			writeJunk(hold);
		}
		finally {
			commands().configSet(saved);
			removeJunk();
		}
		return infoField("stats", "evicted_keys") - evictedBefore;
	}

	private void writeJunk(Duration hold) {
		// Large values, so that even a slow server takes in far more than the 2 MB of
		// room
		// within the hold, a few dozen commands being enough.
		String junk = "x".repeat(64 * 1024);
		long deadline = System.nanoTime() + hold.toNanos();
		long n = 0;
		while (System.nanoTime() < deadline) {
			for (int i = 0; i < 32; i++) {
				try {
					commands().set(this.junkPrefix + n++, junk);
				}
				catch (RuntimeException ex) {
					// OOM while eviction catches up: that is the point.
				}
			}
			Pause.sleep(Duration.ofMillis(5));
		}
	}

	private void removeJunk() {
		List<String> keys = new ArrayList<>();
		ScanIterator.scan(this.commands, ScanArgs.Builder.matches(this.junkPrefix + "*").limit(1000))
			.forEachRemaining(keys::add);
		for (int i = 0; i < keys.size(); i += 1000) {
			commands().unlink(keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(String[]::new));
		}
	}

	/**
	 * A numeric field of {@code INFO section}, or -1 if the server does not report it.
	 */
	long infoField(String section, String field) {
		for (String line : commands().info(section).split("\r?\n")) {
			if (line.startsWith(field + ":")) {
				return Long.parseLong(line.substring(field.length() + 1).trim());
			}
		}
		return -1;
	}

	@Override
	public void close() {
		try {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		finally {
			this.deployment.close();
		}
	}

	/** Where the servers are, and what can be done to them beyond commands. */
	private interface Deployment {

		/** The current master's Redis URI. */
		String uri();

		Map<String, Object> springProperties();

		String restart(RedisUnderTest redis);

		default String restartLosingLastWrites(Duration window) {
			throw new UnsupportedOperationException("aof-restart needs the append-only server of --processes");
		}

		default String failOverLosingWrites(Duration window) {
			throw new UnsupportedOperationException("failover needs --sentinel or --cluster");
		}

		default String killMaster() {
			throw new UnsupportedOperationException("master-kill needs --cluster");
		}

		default String migrate() {
			throw new UnsupportedOperationException("migrate needs --cluster");
		}

		default void recover() {
		}

		void close();

	}

	private record Embedded(EmbeddedRedis server) implements Deployment {

		@Override
		public String uri() {
			return this.server.uri();
		}

		@Override
		public Map<String, Object> springProperties() {
			return standalone(this.server.host(), this.server.port());
		}

		@Override
		public String restart(RedisUnderTest redis) {
			this.server.stop();
			this.server.startAgain();
			return "restarted redis-server";
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

	private record External(String url) implements Deployment {

		@Override
		public String uri() {
			return this.url;
		}

		@Override
		public Map<String, Object> springProperties() {
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("spring.data.redis.url", this.url);
			return properties;
		}

		@Override
		public String restart(RedisUnderTest redis) {
			redis.flushAll();
			redis.commands().scriptFlush();
			redis.killNormalClients();
			redis.killPubSubClients();
			return "emulated a restart of REDIS_URL";
		}

		@Override
		public void close() {
		}

	}

	private record AppendOnly(RedisProcess server) implements Deployment {

		@Override
		public String uri() {
			return this.server.uri();
		}

		@Override
		public Map<String, Object> springProperties() {
			return standalone(this.server.host(), this.server.port());
		}

		@Override
		public String restart(RedisUnderTest redis) {
			// The flush is in the append-only file, so the server comes back empty.
			redis.flushAll();
			this.server.kill();
			this.server.startAgain();
			return "restarted redis-server empty";
		}

		@Override
		public String restartLosingLastWrites(Duration window) {
			long length = this.server.appendOnlyLength();
			Pause.sleep(window);
			long lost = this.server.appendOnlyLength() - length;
			this.server.killLosingWritesAfter(length);
			this.server.startAgain();
			return "killed redis-server and restarted it from its append-only file without the last "
					+ window.toMillis() + " ms of writes (" + lost + " bytes)";
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

	private record Sentinel(EmbeddedSentinelGroup group) implements Deployment {

		@Override
		public String uri() {
			return this.group.currentMaster().uri();
		}

		@Override
		public Map<String, Object> springProperties() {
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("spring.data.redis.sentinel.master", this.group.masterName());
			properties.put("spring.data.redis.sentinel.nodes",
					String.join(",", this.group.sentinelPorts().stream().map((port) -> "127.0.0.1:" + port).toList()));
			return properties;
		}

		@Override
		public String restart(RedisUnderTest redis) {
			throw new UnsupportedOperationException("restart is not injected into a Sentinel group");
		}

		@Override
		public String failOverLosingWrites(Duration window) {
			this.group.awaitReplicaInSync(FAILOVER_TIMEOUT);
			RedisProcess old = this.group.currentMaster();
			this.group.cutReplication();
			Pause.sleep(window);
			this.group.killMaster();
			long killed = System.nanoTime();
			RedisProcess promoted = this.group.awaitFailover(FAILOVER_TIMEOUT);
			return "cut replication for " + window.toMillis() + " ms, killed the master on port " + old.port()
					+ ", the replica on port " + promoted.port() + " was promoted "
					+ Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms later";
		}

		@Override
		public void recover() {
			// The old master restarts with its access list as configured: it can sync.
			this.group.rejoinAsReplica(FAILOVER_TIMEOUT);
		}

		@Override
		public void close() {
			this.group.close();
		}

	}

	/**
	 * A Redis Cluster of three masters with a replica each; the faults hit the master
	 * serving tiercache's slot.
	 */
	private static final class Cluster implements Deployment {

		private final EmbeddedRedisCluster cluster;

		private final int slot;

		/** The former master a failover replaced, to rejoin as a replica. */
		private RedisProcess replaced;

		/** The master serving the slot, as of the last fault that may have moved it. */
		private RedisProcess current;

		Cluster(EmbeddedRedisCluster cluster, int slot) {
			this.cluster = cluster;
			this.slot = slot;
			this.current = cluster.masterOf(slot);
		}

		@Override
		public String uri() {
			return this.current.uri();
		}

		@Override
		public Map<String, Object> springProperties() {
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("spring.data.redis.cluster.nodes", this.cluster.nodesProperty());
			return properties;
		}

		@Override
		public String restart(RedisUnderTest redis) {
			RedisProcess master = this.cluster.masterOf(this.slot);
			// Emptied first, so that its replica, which resyncs from it, is empty too.
			redis.flushAll();
			this.cluster.restartNode(master);
			this.current = this.cluster.masterOf(this.slot);
			return "restarted the master on port " + master.port() + " empty";
		}

		@Override
		public String failOverLosingWrites(Duration window) {
			RedisProcess old = this.cluster.masterOf(this.slot);
			long[] killed = new long[1];
			RedisProcess promoted = this.cluster.failOverLosingWrites(this.slot, () -> {
				Pause.sleep(window);
				killed[0] = System.nanoTime();
			});
			this.replaced = old;
			this.current = promoted;
			return "cut replication for " + window.toMillis() + " ms, killed the master on port " + old.port()
					+ ", the replica on port " + promoted.port() + " was promoted "
					+ Duration.ofNanos(System.nanoTime() - killed[0]).toMillis() + " ms later";
		}

		@Override
		public String killMaster() {
			RedisProcess old = this.cluster.masterOf(this.slot);
			long killed = System.nanoTime();
			RedisProcess promoted = this.cluster.killMaster(this.slot);
			this.replaced = old;
			this.current = promoted;
			return "killed the master on port " + old.port() + ", the replica on port " + promoted.port()
					+ " was promoted " + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms later";
		}

		@Override
		public String migrate() {
			RedisProcess source = this.cluster.masterOf(this.slot);
			RedisProcess target = this.cluster.masters()
				.stream()
				.filter((master) -> master != source)
				.findFirst()
				.orElseThrow();
			this.cluster.migrateSlot(this.slot, target);
			this.current = target;
			return "moved slot " + this.slot + " from the master on port " + source.port() + " to the one on port "
					+ target.port();
		}

		@Override
		public void recover() {
			if (this.replaced != null) {
				this.cluster.rejoin(this.replaced);
				this.replaced = null;
			}
		}

		@Override
		public void close() {
			this.cluster.close();
		}

	}

	private static Map<String, Object> standalone(String host, int port) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.host", host);
		properties.put("spring.data.redis.port", port);
		return properties;
	}

}
