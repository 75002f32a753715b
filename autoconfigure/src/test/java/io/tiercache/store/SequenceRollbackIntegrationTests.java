package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When Redis loses acknowledged invalidations without losing its epoch (a failover to a
 * replica that had not received them, a restart from an AOF or RDB file a little older
 * than the last writes), entries those invalidations killed validate again in Redis. The
 * state Redis is left in is reproduced exactly: the sequence and the tag record are set
 * back to what they held before the invalidation, in the same epoch ([I12] in
 * {@code docs/correctness.md}).
 */
class SequenceRollbackIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	private static final String SEQ = "{tc:v1}:seq";

	private static final String TAG = "{tc:v1}:t:product:1";

	private final List<StoreFixture> fixtures = new ArrayList<>();

	/** The "database": product id to version. */
	private final Map<Long, Long> database = new ConcurrentHashMap<>();

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.database.put(1L, 1L);
		this.database.put(2L, 1L);
	}

	@AfterEach
	void tearDown() {
		this.fixtures.forEach(StoreFixture::close);
	}

	@Test
	void aProcessThatSawTheLostInvalidationNeverServesWhatItKilled() throws Throwable {
		StoreFixture a = fixture();
		StoreFixture b = fixture();
		assertThat(read(a, 1)).isEqualTo(version(1, 1));
		String seqBefore = (String) redis.command("HGET", SEQ, "n");
		String tagBefore = (String) redis.command("GET", TAG);
		assertThat(read(b, 1)).isEqualTo(version(1, 1));
		long heard = b.trust.version();
		this.database.put(1L, 2L);
		a.store.invalidate(List.of("product:1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> b.trust.version() > heard);
		rollBack(seqBefore, tagBefore);
		// Redis holds version 1 as valid again; A made the invalidation and B heard it
		assertThat(read(a, 1)).isEqualTo(version(1, 2));
		assertThat(read(b, 1)).isEqualTo(version(1, 2));
	}

	@Test
	void everyProcessReadsTheNewValueWithinACheckIntervalOfTheRollback() throws Throwable {
		// A's first check comes long after the late process's first read, so that read
		// shows what the rollback revived before A notices it.
		StoreFixture a = fixture(Duration.ofSeconds(3));
		assertThat(read(a, 1)).isEqualTo(version(1, 1));
		String epoch = (String) redis.command("HGET", SEQ, "epoch");
		String seqBefore = (String) redis.command("HGET", SEQ, "n");
		String tagBefore = (String) redis.command("GET", TAG);
		this.database.put(1L, 2L);
		a.store.invalidate(List.of("product:1"));
		rollBack(seqBefore, tagBefore);
		// A process that knows nothing of the lost invalidation: Redis serves it version
		// 1
		StoreFixture late = fixture();
		assertThat(read(late, 1)).as("what the rollback revived").isEqualTo(version(1, 1));
		// A's periodic check sees the sequence below what it knew, and starts a new epoch
		await().atMost(Duration.ofSeconds(10)).until(() -> !epoch.equals(redis.command("HGET", SEQ, "epoch")));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(read(late, 1)).isEqualTo(version(1, 2)));
		assertThat(read(a, 1)).isEqualTo(version(1, 2));
	}

	@Test
	void aSequenceThatOnlyGrowsStartsNoEpoch() throws Throwable {
		StoreFixture a = fixture();
		StoreFixture b = fixture();
		read(a, 1);
		String epoch = (String) redis.command("HGET", SEQ, "epoch");
		assertThat(epoch).isNotNull();
		for (int i = 0; i < 20; i++) {
			a.store.invalidate(List.of("product:" + (i % 2 + 1)));
			read(b, i % 2 + 1);
			read(a, i % 2 + 1);
		}
		assertThat(redis.command("HGET", SEQ, "epoch")).isEqualTo(epoch);
	}

	private void rollBack(String seq, String tag) {
		redis.command("HSET", SEQ, "n", seq);
		redis.command("SET", TAG, tag, "PX", "3600000");
	}

	private StoreFixture fixture() {
		return fixture(Duration.ofMillis(100));
	}

	private StoreFixture fixture(Duration checkInterval) {
		StoreFixture fixture = new StoreFixture(TestRedisConfigurations.of(redis),
				(options) -> options.localMaxUnconfirmed(checkInterval.multipliedBy(10)), checkInterval);
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
