package io.tiercache.fanout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.metrics.MicrometerStoreObserver;
import io.tiercache.store.CacheLoad;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.CacheTags;
import io.tiercache.store.Jitter;
import io.tiercache.store.StoreOptions;
import io.tiercache.store.TieredCache;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whoever can publish on the invalidation channel can claim any sequence number for any
 * tag. Two processes on one real Redis: a forged far-future number costs the victim a
 * cleared local tier, and no more. Within two periodic checks its tag states are back at
 * what Redis holds, so entries carrying the tag are served from its local tier again
 * (counted by its meters), and a real invalidation of the tag still reaches every
 * process.
 */
class ForgedInvalidationIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private static final String FAR_FUTURE = "900000000000000000";

	private Instance a;

	private Instance b;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.a = new Instance();
		this.b = new Instance();
	}

	@AfterEach
	void tearDown() {
		this.a.close();
		this.b.close();
	}

	@ParameterizedTest(name = "a message naming {0}")
	@ValueSource(strings = { "product:1", "the cache's own tag" })
	void aForgedFarFutureNumberIsUndoneWithinTwoChecksAndRealInvalidationsStillReachEveryProcess(String named)
			throws Throwable {
		String tag = named.equals("product:1") ? named : CacheTags.cache("products");
		Reader readerA = new Reader(this.a);
		Reader readerB = new Reader(this.b);
		assertThat(readerA.read()).isEqualTo(1L);
		assertThat(readerB.read()).isEqualTo(1L);
		assertThat(readerB.read()).isEqualTo(1L);
		assertThat(this.b.localHits()).as("served from B's local tier").isEqualTo(1);
		String epoch = (String) redis.command("HGET", "{tc:v1}:seq", "epoch");
		forge(epoch, tag);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.received.get() == 1);
		assertThat(readerB.read()).as("not from B's local tier while the forged number holds").isEqualTo(1L);
		// First check: the number is ahead of Redis's; second: it still is, so it is
		// undone.
		this.b.subscriber.check();
		this.b.subscriber.check();
		await().atMost(Duration.ofSeconds(10)).until(this.b.store.trust()::trusted);
		int loadsBefore = readerB.loads.get();
		double hitsBefore = this.b.localHits();
		readerB.read();
		assertThat(readerB.read()).isEqualTo(1L);
		assertThat(readerB.read()).isEqualTo(1L);
		assertThat(this.b.localHits()).as("served from B's local tier again").isEqualTo(hitsBefore + 2);
		assertThat(readerB.loads.get()).as("from Redis, then locally: the method is not called").isEqualTo(loadsBefore);
		// A real invalidation of the same tag still reaches both processes.
		readerA.version.set(2);
		readerB.version.set(2);
		this.a.store.invalidate(List.of(tag));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.received.get() == 2);
		assertThat(readerA.read()).isEqualTo(2L);
		assertThat(readerB.read()).isEqualTo(2L);
		assertThat(readerB.read()).isEqualTo(2L);
	}

	@ParameterizedTest(name = "a message naming {0}")
	@ValueSource(strings = { "product:1", "the cache's own tag" })
	void aForgedNumberOfAnotherEpochIsUndoneWithinTwoChecksEvenIfARealMessageFollowsIt(String named) throws Throwable {
		String tag = named.equals("product:1") ? named : CacheTags.cache("products");
		Reader readerB = new Reader(this.b);
		assertThat(readerB.read()).isEqualTo(1L);
		forge("an-epoch-redis-never-had", tag);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.received.get() == 1);
		// A real message brings B back to Redis's epoch before any check runs.
		this.a.store.invalidate(List.of("unrelated"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.received.get() == 2);
		assertThat(readerB.read()).isEqualTo(1L);
		assertThat(readerB.loads).as("the forged number keeps the entry from being served, even from Redis")
			.hasValue(2);
		this.b.subscriber.check();
		this.b.subscriber.check();
		await().atMost(Duration.ofSeconds(10)).until(this.b.store.trust()::trusted);
		int loadsBefore = readerB.loads.get();
		double hitsBefore = this.b.localHits();
		readerB.read();
		readerB.read();
		assertThat(this.b.localHits()).as("served from B's local tier again").isEqualTo(hitsBefore + 1);
		assertThat(readerB.loads.get()).isEqualTo(loadsBefore);
	}

	private static void forge(String epoch, String tag) {
		redis.command("PUBLISH", "{tc:v1}:invalidations", "{\"v\":1,\"e\":\"" + epoch + "\",\"s\":\"" + FAR_FUTURE
				+ "\",\"o\":\"forger\",\"t\":\"0\",\"g\":[\"" + tag + "\"]}");
	}

	/**
	 * Reads key 1 of the cache {@code products}, tagged {@code product:1} and with the
	 * cache's tag.
	 */
	private static final class Reader {

		final AtomicLong version = new AtomicLong(1);

		final AtomicInteger loads = new AtomicInteger();

		private final TieredCache cache;

		Reader(Instance instance) {
			this.cache = instance.cache();
		}

		@Nullable Object read() throws Throwable {
			Object local = this.cache.getLocal(1L);
			if (local != TieredCache.MISS) {
				return local;
			}
			return this.cache.get(1L, new CacheLoad() {

				@Override
				public List<String> argumentTags() {
					// As the interceptor tags every entry: with its cache's tag too.
					return List.of("product:1", CacheTags.cache("products"));
				}

				@Override
				public Object load() {
					Reader.this.loads.incrementAndGet();
					return Reader.this.version.get();
				}

				@Override
				public List<String> resultTags(@Nullable Object result) {
					return List.of();
				}

				@Override
				public boolean isCacheable(@Nullable Object result) {
					return true;
				}

			});
		}

	}

	/**
	 * One process, whose periodic checks are the test's own calls, and whose meters count
	 * what its caches serve.
	 */
	private static final class Instance implements AutoCloseable, InvalidationSubscriber.Observer {

		final AtomicInteger received = new AtomicInteger();

		final SimpleMeterRegistry registry = new SimpleMeterRegistry();

		final LettuceConnectionFactory connectionFactory;

		final TieredStore store;

		final InvalidationSubscriber subscriber;

		Instance() {
			this.connectionFactory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(redis.host(), redis.port()));
			this.connectionFactory.afterPropertiesSet();
			this.connectionFactory.start();
			this.store = TieredStore.builder(this.connectionFactory)
				.options(StoreOptions.builder()
					.localMaximumSize(100)
					.maxTtl(Duration.ofHours(1))
					.localMaxUnconfirmed(Duration.ofMinutes(2))
					.time(Ticker.systemTicker(), StoreOptions.Sleeper.SYSTEM)
					.build())
				.observer(new MicrometerStoreObserver(this.registry))
				.build();
			this.subscriber = new InvalidationSubscriber(this.connectionFactory, this.store, this,
					Duration.ofSeconds(5), Duration.ofMinutes(1));
			this.subscriber.start();
		}

		TieredCache cache() {
			return this.store.cache(
					new CacheSettings("products", Duration.ofMinutes(10), Jitter.NONE, null, true, true), Long.class);
		}

		double localHits() {
			return this.registry.get("tiercache.gets")
				.tags("cache", "products", "tier", "local", "result", "hit")
				.counter()
				.count();
		}

		@Override
		public void received(long lagMicros) {
			this.received.incrementAndGet();
		}

		@Override
		public void close() {
			this.subscriber.stop();
			this.store.close();
			this.connectionFactory.destroy();
		}

	}

}
