package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.tiercache.test.EmbeddedSentinelGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code tiercache.redis.replica-acks}, an invalidation counts as done only once
 * that many replicas have acknowledged it ({@code WAIT}); until then it stays pending in
 * the process that made it, which serves nothing it invalidates, and is retried ([I8] and
 * [I12] in {@code docs/correctness.md}). A master and its replica, replication cut for
 * real.
 */
class ReplicaAcknowledgementIntegrationTests {

	private static final String TAG = "{tc:v1}:t:product:1";

	// A second, not the default 100 ms, and commands given 2 s: the build machine's two
	// cores are shared, and a replica or a server not scheduled in time is not what these
	// tests are about.
	private static final UnaryOperator<StoreOptions.Builder> ONE_ACK = (
			options) -> options.commandTimeout(Duration.ofSeconds(2)).replicaAcks(1, Duration.ofSeconds(1));

	private EmbeddedSentinelGroup group;

	private final List<StoreFixture> fixtures = new ArrayList<>();

	/** The "database": product id to version. */
	private final Map<Long, Long> database = new ConcurrentHashMap<>();

	@BeforeEach
	void setUp() {
		this.group = EmbeddedSentinelGroup.start();
		this.database.put(1L, 1L);
	}

	@AfterEach
	void tearDown() {
		this.fixtures.forEach(StoreFixture::close);
		this.group.close();
	}

	@Test
	void anInvalidationNoReplicaAcknowledgedStaysPendingUntilOneDoes() throws Throwable {
		StoreFixture writer = fixture(master(), ONE_ACK);
		StoreFixture other = fixture(master(), (options) -> options.commandTimeout(Duration.ofSeconds(2)));
		assertThat(read(writer, 1)).isEqualTo(version(1, 1));
		this.group.awaitReplicaInSync(Duration.ofSeconds(10));
		Object replicated = this.group.replica().command("GET", TAG);
		this.group.cutReplication();
		this.database.put(1L, 2L);
		writer.store.invalidate(List.of("product:1"));
		// Redis took it, the replica does not have it: not done
		assertThat(this.group.master().command("GET", TAG)).isNotEqualTo(replicated);
		assertThat(this.group.replica().command("GET", TAG)).isEqualTo(replicated);
		assertThat(writer.store.pendingInvalidations()).isEqualTo(1);
		// Its maker serves nothing it invalidates meanwhile
		assertThat(read(writer, 1)).isEqualTo(version(1, 2));
		this.group.restoreReplication();
		// The replica back in sync first: on a loaded machine its resync alone can take
		// seconds, and the retry backs off up to 5 s meanwhile.
		this.group.awaitReplicaInSync(Duration.ofSeconds(30));
		await().atMost(Duration.ofSeconds(30)).until(() -> writer.store.pendingInvalidations() == 0);
		Object invalidated = this.group.master().command("GET", TAG);
		assertThat(this.group.replica().command("GET", TAG)).isEqualTo(invalidated);
		assertThat(read(other, 1)).isEqualTo(version(1, 2));
	}

	@Test
	void anInvalidationNoReplicaAcknowledgedReachesTheReplicaPromotedInstead() throws Throwable {
		StoreFixture writer = fixture(sentinels(), ONE_ACK);
		assertThat(read(writer, 1)).isEqualTo(version(1, 1));
		this.group.awaitReplicaInSync(Duration.ofSeconds(10));
		Object replicated = this.group.replica().command("GET", TAG);
		this.group.cutReplication();
		this.database.put(1L, 2L);
		writer.store.invalidate(List.of("product:1"));
		assertThat(writer.store.pendingInvalidations()).isEqualTo(1);
		this.group.killMaster();
		this.group.awaitFailover(Duration.ofSeconds(30));
		// The retry reaches the promoted replica
		await().atMost(Duration.ofSeconds(20))
			.until(() -> !replicated.equals(this.group.replica().command("GET", TAG)));
		StoreFixture late = fixture(sentinels(), (options) -> options.commandTimeout(Duration.ofSeconds(2)));
		assertThat(read(late, 1)).isEqualTo(version(1, 2));
		assertThat(read(writer, 1)).isEqualTo(version(1, 2));
		// The new master has no replica to acknowledge it: still not done, still retried
		assertThat(writer.store.pendingInvalidations()).isEqualTo(1);
	}

	private RedisConfiguration master() {
		return new RedisStandaloneConfiguration(this.group.master().host(), this.group.master().port());
	}

	private RedisSentinelConfiguration sentinels() {
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration().master(this.group.masterName());
		for (int port : this.group.sentinelPorts()) {
			configuration.sentinel("127.0.0.1", port);
		}
		return configuration;
	}

	private StoreFixture fixture(RedisConfiguration configuration, UnaryOperator<StoreOptions.Builder> options) {
		StoreFixture fixture = new StoreFixture(configuration, options, true);
		this.fixtures.add(fixture);
		return fixture;
	}

	private Object read(StoreFixture fixture, long id) throws Throwable {
		TieredCache cache = fixture.cache("products", String.class);
		Object local = cache.getLocal(id);
		if (local != TieredCache.MISS) {
			return local;
		}
		return cache.get(id, StoreFixture.load(() -> version(id, this.database.get(id)), "product:" + id));
	}

	private static String version(long id, long version) {
		return "product " + id + " v" + version;
	}

}
