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

import org.springframework.data.redis.connection.RedisSentinelConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tiercache through Sentinel, and a failover to a replica that had not received the last
 * invalidation: replication is cut, the master acknowledges the invalidation, dies, and
 * the replica is promoted with the entry that invalidation killed still valid in what it
 * holds, in the same epoch ([I12] in {@code docs/correctness.md}).
 */
class SentinelFailoverIntegrationTests {

	private static final String TAG = "{tc:v1}:t:product:1";

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
	void aFailoverThatLostTheLastInvalidationServesNothingItKilled() throws Throwable {
		StoreFixture writer = fixture(UnaryOperator.identity());
		// It hears nothing of the invalidation: its message is lost, and no read of the
		// sequence comes between the invalidation and the crash.
		StoreFixture deaf = quiet();
		assertThat(read(writer, 1)).isEqualTo(version(1, 1));
		assertThat(read(deaf, 1)).isEqualTo(version(1, 1));
		this.group.awaitReplicaInSync(Duration.ofSeconds(10));
		this.group.cutReplication();
		this.database.put(1L, 2L);
		writer.store.invalidate(List.of("product:1"));
		assertThat(writer.store.pendingInvalidations()).isZero();
		// The only process that knew of the invalidation is gone
		writer.close();
		long generation = deaf.trust.generation();
		this.group.killMaster();
		this.group.awaitFailover(Duration.ofSeconds(30));
		// The promoted replica holds version 1 as valid, in the epoch it had
		assertThat(this.group.replica().command("GET", TAG)).isNotNull();
		await().atMost(Duration.ofSeconds(10)).until(() -> deaf.trust.generation() > generation);
		StoreFixture late = fixture(UnaryOperator.identity());
		List<Object> reads = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			reads.add(read(deaf, 1));
			reads.add(read(late, 1));
			assertThat(deaf.cache("products", String.class).getLocal(1L)).isEqualTo(version(1, 2));
			assertThat(late.cache("products", String.class).getLocal(1L)).isEqualTo(version(1, 2));
		});
		assertThat(reads).as("every read after the failover, from either tier").containsOnly(version(1, 2));
	}

	private StoreFixture fixture(UnaryOperator<StoreOptions.Builder> options) {
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration().master(this.group.masterName());
		for (int port : this.group.sentinelPorts()) {
			configuration.sentinel("127.0.0.1", port);
		}
		StoreFixture fixture = new StoreFixture(configuration, options, true);
		this.fixtures.add(fixture);
		return fixture;
	}

	/**
	 * A process that reads the sequence only every 5 s, and to which no invalidation
	 * message comes, as if each were lost.
	 */
	private StoreFixture quiet() {
		StoreFixture fixture = new StoreFixture(sentinels(),
				(options) -> options.localMaxUnconfirmed(Duration.ofSeconds(10)), Duration.ofSeconds(5));
		fixture.subscriber.setMessageFilter((message) -> false);
		this.fixtures.add(fixture);
		return fixture;
	}

	private RedisSentinelConfiguration sentinels() {
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration().master(this.group.masterName());
		for (int port : this.group.sentinelPorts()) {
			configuration.sentinel("127.0.0.1", port);
		}
		return configuration;
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
