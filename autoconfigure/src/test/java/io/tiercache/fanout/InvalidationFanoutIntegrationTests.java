package io.tiercache.fanout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tiercache.store.CacheLoad;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.LocalTrust.ClearReason;
import io.tiercache.store.LocalTrust.DistrustCause;
import io.tiercache.store.StoreOptions;
import io.tiercache.store.TestKeys;
import io.tiercache.store.TieredCache;
import io.tiercache.store.TieredStore;
import io.tiercache.store.TestRedisConfigurations;
import io.tiercache.test.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two processes (stores with their own connections and subscriptions) on one real Redis:
 * an invalidation on one reaches the other's local tier.
 */
class InvalidationFanoutIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private static final TestKeys KEYS = TestKeys.defaults();

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

	@Test
	void anInvalidationOnOneInstanceRemovesTheLocalEntryOfAnother() throws Throwable {
		AtomicLong version = new AtomicLong(1);
		AtomicInteger loads = new AtomicInteger();
		TieredCache cacheA = this.a.cache();
		TieredCache cacheB = this.b.cache();
		read(cacheA, version, loads);
		read(cacheB, version, loads);
		assertThat(cacheB.getLocal(1L)).isEqualTo(1L);
		version.set(2);
		this.a.store.invalidate(List.of("product:1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> cacheB.getLocal(1L) == TieredCache.MISS);
		assertThat(read(cacheB, version, loads)).isEqualTo(2L);
		assertThat(this.b.received).as("delivery lag recorded").hasPositiveValue();
		assertThat(this.b.lastLagMicros.get()).isBetween(0L, 5_000_000L);
	}

	@Test
	void aGapInSequenceNumbersClearsTheLocalTier() throws Throwable {
		AtomicLong version = new AtomicLong(1);
		AtomicInteger loads = new AtomicInteger();
		TieredCache cacheB = this.b.cache();
		// Of the slot group whose sequence is bumped below: it starts the group's epoch
		this.a.store.invalidate(List.of("unrelated"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.received.get() == 1);
		read(cacheB, version, loads);
		long generation = this.b.trust.generation();
		// An invalidation whose message is lost: bump the sequence without publishing.
		redis.command("HINCRBY", KEYS.seq("unrelated"), "n", "1");
		this.a.store.invalidate(List.of("unrelated"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.received.get() == 2);
		assertThat(this.b.trust.generation()).isGreaterThan(generation);
		assertThat(this.b.clears.get()).isPositive();
		assertThat(cacheB.getLocal(1L)).isSameAs(TieredCache.MISS);
	}

	@Test
	void aBurstOfInvalidationsIsAppliedInOrderWithoutFalseGaps() {
		for (int i = 0; i < 500; i++) {
			this.a.store.invalidate(List.of("burst:" + i));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.b.received.get() == 500);
		assertThat(this.b.clears).as("no message was lost, so no gap").hasValue(0);
	}

	@Test
	void killingThePubSubConnectionBypassesTheLocalTierAtOnceAndClearsItOnResubscribe() throws Throwable {
		AtomicLong version = new AtomicLong(1);
		AtomicInteger loads = new AtomicInteger();
		TieredCache cacheB = this.b.cache();
		read(cacheB, version, loads);
		long generation = this.b.trust.generation();
		assertThat(redis.killClients("pubsub")).isPositive();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.trust.generation() > generation);
		await().atMost(Duration.ofSeconds(10)).until(this.b.trust::trusted);
		assertThat(cacheB.getLocal(1L)).as("cleared before it was trusted again").isSameAs(TieredCache.MISS);
		version.set(2);
		this.a.store.invalidate(List.of("product:1"));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(read(cacheB, version, loads)).isEqualTo(2L));
	}

	@Test
	void aSilentStallIsDetectedByThePeriodicCheckAndTheEntryStopsBeingServed() throws Throwable {
		AtomicLong version = new AtomicLong(1);
		AtomicInteger loads = new AtomicInteger();
		TieredCache cacheB = this.b.cache();
		read(cacheB, version, loads);
		assertThat(cacheB.getLocal(1L)).isEqualTo(1L);
		// Every message is lost on the way to B, and no later message reveals a gap.
		this.b.subscriber.setMessageFilter((message) -> false);
		version.set(2);
		this.a.store.invalidate(List.of("product:1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> cacheB.getLocal(1L) == TieredCache.MISS);
		assertThat(this.b.stalls).hasPositiveValue();
		assertThat(read(cacheB, version, loads)).isEqualTo(2L);
	}

	@Test
	void aForgedFarFutureMessageDoesNotHideTheLossOfLaterMessages() throws Throwable {
		AtomicLong version = new AtomicLong(1);
		AtomicInteger loads = new AtomicInteger();
		TieredCache cacheB = this.b.cache();
		// Of the slot group of the forged message's tag: it starts the group's epoch
		this.a.store.invalidate(List.of("unrelated"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.received.get() == 1);
		String epoch = (String) redis.command("HGET", KEYS.seq("unrelated"), "epoch");
		// Anyone who can publish on the channel: a well-formed message whose number Redis
		// will not reach for a long time.
		publish("{\"v\":1,\"e\":\"" + epoch
				+ "\",\"s\":\"900000000000000000\",\"o\":\"forger\",\"t\":\"0\",\"g\":[\"unrelated\"]}");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.received.get() == 2);
		// Noticed within two checks: followed by Redis's number again, and trusted again.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.b.stalls.get() > 0);
		await().atMost(Duration.ofSeconds(10)).until(this.b.trust::trusted);
		read(cacheB, version, loads);
		assertThat(cacheB.getLocal(1L)).isEqualTo(1L);
		// Now every message is lost on the way to B: that must still be noticed.
		int stalls = this.b.stalls.get();
		this.b.subscriber.setMessageFilter((message) -> false);
		version.set(2);
		this.a.store.invalidate(List.of("product:1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> cacheB.getLocal(1L) == TieredCache.MISS);
		assertThat(this.b.stalls.get()).isGreaterThan(stalls);
		assertThat(read(cacheB, version, loads)).isEqualTo(2L);
	}

	@Test
	void aNewEpochSeenByThePeriodicCheckClearsTheLocalTier() throws Throwable {
		AtomicLong version = new AtomicLong(1);
		AtomicInteger loads = new AtomicInteger();
		TieredCache cacheB = this.b.cache();
		read(cacheB, version, loads);
		redis.command("HSET", KEYS.seq("product:1"), "epoch", "a-new-epoch", "n", "1");
		await().atMost(Duration.ofSeconds(5)).until(() -> cacheB.getLocal(1L) == TieredCache.MISS);
		assertThat(this.b.trust.epoch(KEYS.group("product:1"))).isEqualTo("a-new-epoch");
	}

	@Test
	void aLocalEntryIsNotServedOnceTheLastConfirmationIsOlderThanTheBoundAndIsServedAgainOnceConfirmed()
			throws Throwable {
		AtomicLong version = new AtomicLong(1);
		AtomicInteger loads = new AtomicInteger();
		// No periodic check runs during the test: each is the test's own call.
		AtomicLong nanos = new AtomicLong();
		try (Instance c = new Instance(nanos::get, Duration.ofMinutes(1), Duration.ofMinutes(2))) {
			TieredCache cache = c.cache();
			read(cache, version, loads);
			nanos.addAndGet(Duration.ofMinutes(2).minusNanos(1).toNanos());
			assertThat(cache.getLocal(1L)).isEqualTo(1L);
			nanos.addAndGet(1);
			assertThat(cache.getLocal(1L)).as("confirmed a bound ago").isSameAs(TieredCache.MISS);
			assertThat(c.trust.distrusts(DistrustCause.UNSUBSCRIBED)).isFalse();
			assertThat(c.trust.distrusts(DistrustCause.REDIS_UNREACHABLE)).isFalse();
			c.subscriber.check();
			assertThat(cache.getLocal(1L)).as("the same entry, confirmed by a fresh check").isEqualTo(1L);
			assertThat(loads).hasValue(1);
		}
	}

	@Test
	void aProcessWakingFromAPauseServesNoLocalEntryBeforeTheInvalidationsQueuedMeanwhileAreApplied() throws Throwable {
		AtomicLong version = new AtomicLong(1);
		AtomicInteger loads = new AtomicInteger();
		AtomicLong nanos = new AtomicLong();
		try (Instance c = new Instance(nanos::get, Duration.ofMinutes(1), Duration.ofMinutes(2))) {
			TieredCache cache = c.cache();
			read(cache, version, loads);
			read(cache, version, loads, 2L);
			// The messages reach c, but its I/O thread does not apply them yet.
			CountDownLatch held = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			c.subscriber.setMessageFilter((message) -> {
				held.countDown();
				awaitQuietly(release);
				return true;
			});
			version.set(2);
			this.a.store.invalidate(List.of("product:1"));
			assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
			// The whole process was stopped for longer than the bound, and has just
			// resumed.
			nanos.addAndGet(Duration.ofMinutes(3).toNanos());
			assertThat(cache.getLocal(1L)).as("invalidated while the process was stopped").isSameAs(TieredCache.MISS);
			assertThat(cache.getLocal(2L)).as("nothing, until a check confirms").isSameAs(TieredCache.MISS);
			// The check may be answered before the message is applied, or after: either
			// way, it confirms only once the message is applied.
			CompletableFuture<Void> check = CompletableFuture.runAsync(c.subscriber::check);
			release.countDown();
			check.get(5, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.getLocal(2L) != TieredCache.MISS);
			assertThat(cache.getLocal(2L)).as("the same entry").isEqualTo(1L);
			assertThat(cache.getLocal(1L)).isSameAs(TieredCache.MISS);
			assertThat(read(cache, version, loads)).isEqualTo(2L);
			assertThat(loads).hasValue(3);
		}
	}

	@Test
	void withNoSequenceInRedisOnlyAProcessThatHasMetNoEpochIsConfirmedUntilAReadStartsANewOne() throws Throwable {
		AtomicLong version = new AtomicLong(1);
		AtomicInteger loads = new AtomicInteger();
		AtomicLong nanos = new AtomicLong();
		try (Instance c = new Instance(nanos::get, Duration.ofMinutes(1), Duration.ofMinutes(2))) {
			assertThat(redis.command("EXISTS", KEYS.seq("product:1"))).isEqualTo(0L);
			nanos.addAndGet(Duration.ofMinutes(2).plusSeconds(1).toNanos());
			assertThat(c.trust.trusted()).isFalse();
			c.subscriber.check();
			assertThat(c.trust.trusted()).as("nothing held, nothing to miss").isTrue();
			TieredCache cache = c.cache();
			read(cache, version, loads);
			redis.flushAll();
			nanos.addAndGet(Duration.ofMinutes(2).plusSeconds(1).toNanos());
			c.subscriber.check();
			assertThat(cache.getLocal(1L)).as("a message lost just before the flush would go unnoticed")
				.isSameAs(TieredCache.MISS);
			assertThat(read(cache, version, loads)).isEqualTo(1L);
			assertThat(c.trust.trusted()).as("confirmed by the clear of the epoch that read started").isTrue();
			// That load straddled the clear, so only the next read keeps a local copy.
			assertThat(read(cache, version, loads)).isEqualTo(1L);
			assertThat(cache.getLocal(1L)).isEqualTo(1L);
			assertThat(loads).as("the second read was a Redis hit").hasValue(2);
		}
	}

	@Test
	void aMalformedMessageIsDroppedAndCounted() {
		publish("{not json");
		publish("{\"v\":1,\"e\":\"x\",\"s\":\"12\"}");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.malformed.get() == 2);
		assertThat(this.b.trust.trusted()).isTrue();
	}

	private static Object read(TieredCache cache, AtomicLong version, AtomicInteger loads) throws Throwable {
		return read(cache, version, loads, 1L);
	}

	private static Object read(TieredCache cache, AtomicLong version, AtomicInteger loads, long id) throws Throwable {
		Object local = cache.getLocal(id);
		if (local != TieredCache.MISS) {
			return local;
		}
		return cache.get(id, new CacheLoad() {

			@Override
			public List<String> argumentTags() {
				return List.of("product:" + id);
			}

			@Override
			public Object load() {
				loads.incrementAndGet();
				return version.get();
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

	private static boolean awaitQuietly(CountDownLatch latch) {
		try {
			return latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Publish on the invalidation channel of the tag {@code unrelated} as someone else
	 * would: on a Redis Cluster by {@code SPUBLISH}, which is what tiercache's instances
	 * subscribe to there.
	 */
	private static void publish(String message) {
		redis.command(redis.clusterNodes().isEmpty() ? "PUBLISH" : "SPUBLISH", KEYS.channel("unrelated"), message);
	}

	/** One process's worth of tiercache, with its own subscription. */
	static final class Instance implements AutoCloseable, InvalidationSubscriber.Observer {

		final AtomicInteger received = new AtomicInteger();

		final AtomicInteger malformed = new AtomicInteger();

		final AtomicInteger clears = new AtomicInteger();

		final AtomicInteger stalls = new AtomicInteger();

		final AtomicLong lastLagMicros = new AtomicLong(-1);

		final LettuceConnectionFactory connectionFactory;

		final TieredStore store;

		final LocalTrust trust;

		final InvalidationSubscriber subscriber;

		Instance() {
			this(Ticker.systemTicker(), Duration.ofMillis(100), StoreOptions.DEFAULT_LOCAL_MAX_UNCONFIRMED);
		}

		/**
		 * A process on the given ticker.
		 * @param ticker the store's time source, which the subscriber confirms on
		 * @param checkInterval how often the subscriber checks
		 * @param maxUnconfirmed how long a confirmation holds
		 */
		Instance(Ticker ticker, Duration checkInterval, Duration maxUnconfirmed) {
			this.connectionFactory = new LettuceConnectionFactory(TestRedisConfigurations.of(redis));
			this.connectionFactory.afterPropertiesSet();
			this.connectionFactory.start();
			this.store = TieredStore.builder(this.connectionFactory)
				.options(StoreOptions.builder()
					.localMaximumSize(100)
					.maxTtl(Duration.ofHours(1))
					.localMaxUnconfirmed(maxUnconfirmed)
					.time(ticker, StoreOptions.Sleeper.SYSTEM)
					.build())
				.build();
			this.trust = this.store.trust();
			this.trust.addClearListener((reason) -> {
				if (reason == ClearReason.GAP) {
					this.clears.incrementAndGet();
				}
			});
			this.subscriber = new InvalidationSubscriber(this.connectionFactory, this.store, this,
					Duration.ofSeconds(5), checkInterval);
			assertThat(this.trust.trusted()).as("not trusted before the subscription is confirmed").isFalse();
			this.subscriber.start();
			assertThat(this.trust.trusted()).as("trusted once start returns").isTrue();
		}

		TieredCache cache() {
			return this.store.cache(
					new CacheSettings("products", Duration.ofMinutes(10), Jitter.NONE, null, true, true), Long.class);
		}

		@Override
		public void received(long lagMicros) {
			this.lastLagMicros.set(lagMicros);
			this.received.incrementAndGet();
		}

		@Override
		public void malformed() {
			this.malformed.incrementAndGet();
		}

		@Override
		public void stalled() {
			this.stalls.incrementAndGet();
		}

		@Override
		public void close() {
			this.subscriber.stop();
			this.store.close();
			this.connectionFactory.destroy();
		}

	}

}
