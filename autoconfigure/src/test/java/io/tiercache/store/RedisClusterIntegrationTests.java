package io.tiercache.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tiercache.actuate.TierCacheHealthIndicator;
import io.tiercache.redis.RedisKeys;
import io.tiercache.test.EmbeddedRedisCluster;
import io.tiercache.test.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tiercache on a real Redis Cluster of three masters and three replicas
 * ({@code docs/cluster.md}): several instances cache and invalidate each other over a
 * shard channel, and keep doing so across a master's death, a failover that lost an
 * invalidation, a slot migration and killed subscriptions.
 */
class RedisClusterIntegrationTests {

	/** The layout these instances use without being told: 128 slot groups. */
	private static final RedisKeys KEYS = new RedisKeys("tc", "v1", StoreOptions.CLUSTER_SLOT_GROUPS);

	/** The slot group of {@code product:1}, which the tests invalidate. */
	private static final int GROUP = KEYS.group("product:1");

	private static final String SEQ = text(KEYS.seq(GROUP));

	private static final String CHANNEL = text(KEYS.channel(GROUP));

	private static final String TAG = text(KEYS.tag("product:1"));

	// Commands given 2 s: six servers share the build machine's two cores. The slot
	// groups are left to their default, which a cluster decides.
	private static final UnaryOperator<StoreOptions.Builder> SLOW = (options) -> options
		.commandTimeout(Duration.ofSeconds(2));

	private EmbeddedRedisCluster cluster;

	private int slot;

	private final List<StoreFixture> fixtures = new ArrayList<>();

	/** The "database": product id to version. */
	private final Map<Long, Long> database = new ConcurrentHashMap<>();

	private final AtomicInteger loads = new AtomicInteger();

	@BeforeEach
	void startCluster() {
		this.cluster = EmbeddedRedisCluster.start();
		this.slot = this.cluster.slotOf(SEQ);
		this.database.put(1L, 1L);
	}

	@AfterEach
	void stopCluster() {
		this.fixtures.forEach(StoreFixture::close);
		this.cluster.close();
	}

	@Test
	void instancesCacheAndInvalidateEachOtherOverAShardChannel() throws Throwable {
		StoreFixture a = fixture(SLOW);
		StoreFixture b = fixture(SLOW);
		assertThat(read(a, 1)).isEqualTo(version(1, 1));
		assertThat(read(b, 1)).isEqualTo(version(1, 1));
		assertThat(this.loads).as("the second read Redis").hasValue(1);
		RedisProcess master = this.cluster.masterOf(this.slot);
		// Both subscribed at the channel's shard, none by classic pub/sub anywhere
		assertThat(master.command("PUBSUB", "SHARDNUMSUB", CHANNEL)).isEqualTo(List.of(CHANNEL, 2L));
		for (RedisProcess node : this.cluster.masters()) {
			assertThat(node.command("PUBSUB", "NUMSUB", CHANNEL)).isEqualTo(List.of(CHANNEL, 0L));
		}
		this.database.put(1L, 2L);
		a.store.invalidate(List.of("product:1"));
		// b's local entry is dropped by the message
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(read(b, 1)).isEqualTo(version(1, 2)));
	}

	@Test
	void entriesTagRecordsAndInvalidationsOfUnrelatedKeysSpreadOverEveryMaster() throws Throwable {
		StoreFixture a = fixture(SLOW);
		List<Long> evalsBefore = scriptCalls();
		for (long id = 1; id <= 60; id++) {
			this.database.put(id, 1L);
			assertThat(read(a, id)).isEqualTo(version(id, 1));
			a.store.invalidate(List.of("product:" + id));
		}
		assertThat(a.store.pendingInvalidations()).isZero();
		List<Long> evalsAfter = scriptCalls();
		long total = 0;
		for (int i = 0; i < evalsAfter.size(); i++) {
			total += evalsAfter.get(i) - evalsBefore.get(i);
		}
		for (int i = 0; i < this.cluster.masters().size(); i++) {
			RedisProcess master = this.cluster.masters().get(i);
			List<?> keys = (List<?>) master.command("KEYS", "*");
			assertThat(keys).as("keys on %s", master)
				.anySatisfy((key) -> assertThat((String) key).startsWith("{tc:v1:e:products:"))
				.anySatisfy((key) -> assertThat((String) key).startsWith("{tc:v1:g").endsWith("}:seq"))
				.anySatisfy((key) -> assertThat((String) key).startsWith("{tc:v1:g").contains("}:t:product:"));
			// Each master's share of the scripts is about a third (one master ran every
			// script of the one-slot layout)
			assertThat((double) (evalsAfter.get(i) - evalsBefore.get(i)) / total)
				.as("share of scripts run by %s", master)
				.isBetween(0.15, 0.55);
		}
	}

	/** Scripts run so far by each master, as its command statistics count them. */
	private List<Long> scriptCalls() {
		List<Long> calls = new ArrayList<>();
		for (RedisProcess master : this.cluster.masters()) {
			String stats = (String) master.command("INFO", "commandstats");
			long total = 0;
			for (String line : stats.split("\r?\n")) {
				if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
					total += Long.parseLong(line.replaceFirst("^[^:]*:calls=(\\d+),.*$", "$1"));
				}
			}
			calls.add(total);
		}
		return calls;
	}

	@Test
	void healthShowsTheLagOfEverySlotGroup() throws Throwable {
		StoreFixture a = fixture(SLOW);
		// No periodic check, which would notice the gap below and subscribe again
		StoreFixture b = new StoreFixture(configuration(),
				(options) -> SLOW.apply(options).localMaxUnconfirmed(Duration.ofHours(2)), Duration.ofHours(1));
		this.fixtures.add(b);
		TierCacheHealthIndicator health = new TierCacheHealthIndicator(b.store, b.subscriber);
		String tag = "product:3";
		int group = KEYS.group(tag);
		assertThat(group).as("a group other than the first").isNotZero();
		a.store.invalidate(List.of(tag));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(health.health(true).getDetails())
				.containsEntry("slotGroups", StoreOptions.CLUSTER_SLOT_GROUPS)
				.containsEntry("lag", 0L)
				.containsEntry("groupsBehind", 0));
		// An invalidation numbered in that group whose message never came
		String seq = text(KEYS.seq(group));
		this.cluster.masterOf(this.cluster.slotOf(seq)).command("HINCRBY", seq, "n", "1");
		assertThat(health.health(true).getDetails()).containsEntry("lag", 1L).containsEntry("groupsBehind", 1);
	}

	@Test
	void theLeastPrivilegeAclOfACluster() throws Throwable {
		// docs/SECURITY.md's user, with what a cluster adds, on every node
		List<String> user = List.of("ACL", "SETUSER", "tiercache", "on", ">tc-password", "resetkeys", "~{tc:v1}:*",
				"~{tc:v1:*", "resetchannels", "&{tc:v1}:invalidations", "&{tc:v1:g*}:invalidations", "-@all", "+del",
				"+eval", "+evalsha", "+get", "+hincrby", "+hmget", "+hset", "+info", "+pexpire", "+ping", "+pttl",
				"+publish", "+set", "+strlen", "+subscribe", "+time", "+unlink", "+unsubscribe", "+spublish",
				"+ssubscribe", "+sunsubscribe", "+client|setname", "+cluster|nodes", "+cluster|myid");
		for (RedisProcess node : this.cluster.nodes()) {
			node.command(user.toArray(String[]::new));
		}
		RedisClusterConfiguration configuration = configuration();
		configuration.setUsername("tiercache");
		configuration.setPassword("tc-password");
		StoreFixture a = new StoreFixture(configuration, SLOW, true);
		this.fixtures.add(a);
		StoreFixture b = new StoreFixture(configuration, SLOW, true);
		this.fixtures.add(b);
		TierCacheHealthIndicator health = new TierCacheHealthIndicator(b.store, b.subscriber);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(health.health(true).getStatus().getCode()).isEqualTo("UP"));
		assertThat(read(a, 1)).isEqualTo(version(1, 1));
		assertThat(read(b, 1)).isEqualTo(version(1, 1));
		assertThat(this.loads).as("the second read Redis").hasValue(1);
		this.database.put(1L, 2L);
		a.store.invalidate(List.of("product:1"));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(read(b, 1)).isEqualTo(version(1, 2)));
		for (RedisProcess node : this.cluster.nodes()) {
			Object refused = node.command("ACL", "LOG");
			assertThat(refused).as("commands refused by %s: %s", node, refused).isEqualTo(List.of());
		}
	}

	@Test
	void replicaAcksWaitOnTheNodeThatRanTheInvalidation() throws Throwable {
		StoreFixture writer = fixture((options) -> SLOW.apply(options).replicaAcks(1, Duration.ofSeconds(1)));
		read(writer, 1);
		writer.store.invalidate(List.of("product:1"));
		assertThat(writer.store.pendingInvalidations()).as("acknowledged").isZero();
		RedisProcess master = this.cluster.masterOf(this.slot);
		assertThat(readOnReplica(this.cluster.replicaOf(master), TAG)).isEqualTo(master.command("GET", TAG));
	}

	@Test
	void invalidationsFollowTheChannelToTheReplicaPromotedForAKilledMaster() throws Throwable {
		StoreFixture a = fixture(SLOW);
		StoreFixture b = fixture(SLOW);
		read(a, 1);
		read(b, 1);
		RedisProcess promoted = this.cluster.killMaster(this.slot);
		this.database.put(1L, 2L);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			a.store.invalidate(List.of("product:1"));
			assertThat(a.store.pendingInvalidations()).isZero();
		});
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(read(b, 1)).isEqualTo(version(1, 2));
			assertThat(promoted.command("PUBSUB", "SHARDNUMSUB", CHANNEL)).isEqualTo(List.of(CHANNEL, 2L));
		});
	}

	@Test
	void aFailoverThatLostAnAcknowledgedInvalidationRevivesNoEntry() throws Throwable {
		// Not subscribed: no check of its own notices the sequence going back, so what
		// the promoted replica serves is all the others rely on.
		StoreFixture writer = new StoreFixture(configuration(), SLOW, false);
		this.fixtures.add(writer);
		assertThat(read(writer, 1)).isEqualTo(version(1, 1));
		Object before = this.cluster.masterOf(this.slot).command("GET", TAG);
		RedisProcess promoted = this.cluster.failOverLosingWrites(this.slot, () -> {
			this.database.put(1L, 2L);
			writer.store.invalidate(List.of("product:1"));
		});
		// The promoted replica never received the invalidation, nor a new epoch...
		assertThat(promoted.command("GET", TAG)).isEqualTo(before);
		// ...yet an instance that never heard of it does not read the entry it killed,
		// from its very first read: the promoted node is another server incarnation.
		StoreFixture late = fixture(SLOW);
		assertThat(read(late, 1)).isEqualTo(version(1, 2));
		assertThat(read(writer, 1)).isEqualTo(version(1, 2));
	}

	@Test
	void invalidationsFollowTheChannelWhenItsSlotMigrates() throws Throwable {
		StoreFixture a = fixture(SLOW);
		StoreFixture b = fixture(SLOW);
		read(a, 1);
		read(b, 1);
		RedisProcess source = this.cluster.masterOf(this.slot);
		RedisProcess target = this.cluster.masters()
			.stream()
			.filter((node) -> node != source)
			.findFirst()
			.orElseThrow();
		this.cluster.migrateSlot(this.slot, target);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(
					() -> assertThat(target.command("PUBSUB", "SHARDNUMSUB", CHANNEL)).isEqualTo(List.of(CHANNEL, 2L)));
		this.database.put(1L, 2L);
		a.store.invalidate(List.of("product:1"));
		assertThat(a.store.pendingInvalidations()).isZero();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(read(b, 1)).isEqualTo(version(1, 2)));
	}

	@Test
	void killedShardSubscriptionsAreEstablishedAgain() throws Throwable {
		StoreFixture a = fixture(SLOW);
		StoreFixture b = fixture(SLOW);
		read(a, 1);
		read(b, 1);
		RedisProcess master = this.cluster.masterOf(this.slot);
		assertThat((Long) master.command("CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(2L);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(master.command("PUBSUB", "SHARDNUMSUB", CHANNEL)).isEqualTo(List.of(CHANNEL, 2L)));
		this.database.put(1L, 2L);
		a.store.invalidate(List.of("product:1"));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(read(b, 1)).isEqualTo(version(1, 2)));
	}

	/** A replica answers reads once the connection has said READONLY. */
	private static Object readOnReplica(RedisProcess replica, String key) {
		RedisClient client = RedisClient.create(replica.uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().readOnly();
			return connection.sync().get(key);
		}
		finally {
			client.shutdown();
		}
	}

	private RedisClusterConfiguration configuration() {
		return new RedisClusterConfiguration(List.of(this.cluster.nodesProperty().split(",")));
	}

	private StoreFixture fixture(UnaryOperator<StoreOptions.Builder> options) {
		StoreFixture fixture = new StoreFixture(configuration(), options, true);
		this.fixtures.add(fixture);
		return fixture;
	}

	private Object read(StoreFixture fixture, long id) throws Throwable {
		TieredCache cache = fixture.cache("products", String.class);
		Object local = cache.getLocal(id);
		if (local != TieredCache.MISS) {
			return local;
		}
		return cache.get(id, StoreFixture.load(() -> {
			this.loads.incrementAndGet();
			return version(id, this.database.get(id));
		}, "product:" + id));
	}

	private static String text(byte[] key) {
		return new String(key, StandardCharsets.UTF_8);
	}

	private static String version(long id, long version) {
		return "product " + id + " v" + version;
	}

}
