package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.tiercache.test.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis persisting with {@code appendfsync everysec} restarts from its append-only file
 * without the last writes, as after an operating system crash: an acknowledged
 * invalidation is lost, the sequence and the tag record are back where they were, in the
 * same epoch, and the entry it killed is valid again in what Redis loaded. No process may
 * serve it, from either tier, not even one that never saw the invalidation, once the
 * process that made it is gone ([I12] in {@code docs/correctness.md}: the record knows
 * the server incarnation that holds it).
 */
class AppendOnlyRestartIntegrationTests {

	private static RedisProcess redis;

	private final List<StoreFixture> fixtures = new ArrayList<>();

	/** The "database": product id to version. */
	private final Map<Long, Long> database = new ConcurrentHashMap<>();

	@BeforeAll
	static void startRedis() {
		redis = RedisProcess.appendOnly();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void setUp() {
		redis.startAgain();
		redis.command("FLUSHALL");
		this.database.put(1L, 1L);
	}

	@AfterEach
	void tearDown() {
		this.fixtures.forEach(StoreFixture::close);
	}

	@Test
	void aRestartThatLostTheLastInvalidationServesNothingItKilled() throws Throwable {
		StoreFixture writer = fixture();
		// It hears nothing of the invalidation: its message is lost, and no read of the
		// sequence comes between the invalidation and the crash.
		StoreFixture deaf = quiet();
		assertThat(read(writer, 1)).isEqualTo(version(1, 1));
		assertThat(read(deaf, 1)).isEqualTo(version(1, 1));
		assertThat(deaf.cache("products", String.class).getLocal(1L)).isEqualTo(version(1, 1));
		long beforeInvalidation = redis.appendOnlyLength();
		this.database.put(1L, 2L);
		writer.store.invalidate(List.of("product:1"));
		assertThat(writer.store.pendingInvalidations()).isZero();
		// The only process that knew of the invalidation is gone
		writer.close();
		long generation = deaf.trust.generation();
		redis.killLosingWritesAfter(beforeInvalidation);
		redis.startAgain();
		// What Redis loaded holds version 1 as valid, in the epoch it had
		assertThat(redis.command("GET", "{tc:v1}:t:product:1")).isNotNull();
		await().atMost(Duration.ofSeconds(10)).until(() -> deaf.trust.generation() > generation);
		StoreFixture late = fixture();
		List<Object> reads = new ArrayList<>();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			reads.add(read(deaf, 1));
			reads.add(read(late, 1));
			assertThat(deaf.cache("products", String.class).getLocal(1L)).isEqualTo(version(1, 2));
			assertThat(late.cache("products", String.class).getLocal(1L)).isEqualTo(version(1, 2));
		});
		assertThat(reads).as("every read after the restart, from either tier").containsOnly(version(1, 2));
	}

	@Test
	void aRestartThatLostNothingOnlyCostsMisses() throws Throwable {
		StoreFixture a = fixture();
		assertThat(read(a, 1)).isEqualTo(version(1, 1));
		this.database.put(1L, 2L);
		a.store.invalidate(List.of("product:1"));
		redis.kill();
		redis.startAgain();
		StoreFixture b = fixture();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(read(a, 1)).isEqualTo(version(1, 2));
			assertThat(read(b, 1)).isEqualTo(version(1, 2));
			assertThat(b.cache("products", String.class).getLocal(1L)).isEqualTo(version(1, 2));
		});
	}

	private StoreFixture fixture() {
		StoreFixture fixture = new StoreFixture(new RedisStandaloneConfiguration(redis.host(), redis.port()),
				UnaryOperator.identity(), true);
		this.fixtures.add(fixture);
		return fixture;
	}

	/**
	 * A process that reads the sequence only every 5 s, and to which no invalidation
	 * message comes, as if each were lost.
	 */
	private StoreFixture quiet() {
		StoreFixture fixture = new StoreFixture(new RedisStandaloneConfiguration(redis.host(), redis.port()),
				(options) -> options.localMaxUnconfirmed(Duration.ofSeconds(10)), Duration.ofSeconds(5));
		fixture.subscriber.setMessageFilter((message) -> false);
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
