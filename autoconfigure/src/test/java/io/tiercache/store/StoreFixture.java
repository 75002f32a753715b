package io.tiercache.store;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.redis.RedisTier;
import io.tiercache.test.RedisServerHandle;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One process's worth of tiercache against a real Redis, wired by the same builder as the
 * auto-configuration: tests create several to play several instances sharing one server.
 * Time is fake: the local tier, load durations and lease waits read {@link #ticker},
 * which a lease wait advances by the time it sleeps (for real, unless
 * {@link #fakeSleeps}).
 */
final class StoreFixture implements AutoCloseable {

	static final KeyRenderer LONG_KEYS = KeyRenderer.single(KeyRenderer.forType(long.class));

	final LettuceConnectionFactory connectionFactory;

	final TieredStore store;

	final LocalTrust trust;

	final RedisTier redis;

	final FakeTicker ticker = new FakeTicker();

	final CountingObserver events = new CountingObserver();

	final FanoutEvents fanout = new FanoutEvents();

	final @Nullable InvalidationSubscriber subscriber;

	StoreFixture(RedisServerHandle server) {
		this(server, UnaryOperator.identity(), false);
	}

	StoreFixture(RedisServerHandle server, UnaryOperator<StoreOptions.Builder> options) {
		this(server, options, false);
	}

	/**
	 * Create a process.
	 * @param server the Redis server
	 * @param options changes to the fixture's options: local tier of 1000 entries,
	 * breaker opening after one failure for 200 ms, a 300 ms command timeout
	 * @param subscribe whether to subscribe to invalidations
	 */
	StoreFixture(RedisServerHandle server, UnaryOperator<StoreOptions.Builder> options, boolean subscribe) {
		this(TestRedisConfigurations.of(server), options, subscribe);
	}

	/**
	 * Create a process connected as the configuration says: to a standalone server, or
	 * through Sentinels.
	 * @param configuration where Redis is
	 * @param options changes to the fixture's options, as above
	 * @param subscribe whether to subscribe to invalidations
	 */
	StoreFixture(RedisConfiguration configuration, UnaryOperator<StoreOptions.Builder> options, boolean subscribe) {
		this(configuration, options, subscribe ? Duration.ofMillis(100) : null);
	}

	/**
	 * Create a process connected as the configuration says, whose subscriber checks the
	 * sequence as often as given.
	 * @param configuration where Redis is
	 * @param options changes to the fixture's options, as above
	 * @param checkInterval the subscriber's check interval, or {@code null} not to
	 * subscribe
	 */
	StoreFixture(RedisConfiguration configuration, UnaryOperator<StoreOptions.Builder> options,
			@Nullable Duration checkInterval) {
		this.connectionFactory = new LettuceConnectionFactory(configuration);
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		StoreOptions.Builder defaults = StoreOptions.builder()
			.localMaximumSize(1000)
			.maxTtl(Duration.ofHours(1))
			.breaker(1, Duration.ofMillis(200))
			.commandTimeout(Duration.ofMillis(300))
			.time(this.ticker, this.ticker::sleep);
		this.store = TieredStore.builder(this.connectionFactory)
			.options(options.apply(defaults).build())
			.observer(this.events)
			.build();
		this.trust = this.store.trust();
		this.redis = this.store.redis();
		this.subscriber = (checkInterval != null) ? new InvalidationSubscriber(this.connectionFactory, this.store,
				this.fanout, Duration.ofSeconds(5), checkInterval) : null;
		if (this.subscriber != null) {
			this.subscriber.start();
		}
	}

	/**
	 * Lease waits advance the fake clock without sleeping: a wait of any length is
	 * instant.
	 */
	StoreFixture fakeSleeps() {
		this.ticker.realSleeps = false;
		return this;
	}

	TieredCache cache(String name, Type type) {
		return cache(new CacheSettings(name, Duration.ofMinutes(10), Jitter.NONE, null, true, true), type);
	}

	/** A cache keyed as a {@code @Cached} method of one {@code long} parameter is. */
	TieredCache cache(CacheSettings settings, Type type) {
		return this.store.cache(settings, type, LONG_KEYS);
	}

	private boolean closed;

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (this.subscriber != null) {
			this.subscriber.stop();
		}
		this.store.close();
		this.connectionFactory.destroy();
	}

	/**
	 * A load whose tags are given and whose result tags come from a function of the
	 * result.
	 */
	static CacheLoad load(Loader loader, Collection<String> argumentTags,
			Function<@Nullable Object, Collection<String>> resultTags) {
		return new CacheLoad() {

			@Override
			public Collection<String> argumentTags() {
				return argumentTags;
			}

			@Override
			public @Nullable Object load() throws Throwable {
				return loader.load();
			}

			@Override
			public Collection<String> resultTags(@Nullable Object result) {
				return resultTags.apply(result);
			}

			@Override
			public boolean isCacheable(@Nullable Object result) {
				return true;
			}

		};
	}

	static CacheLoad load(Loader loader, String... argumentTags) {
		return load(loader, List.of(argumentTags), (result) -> List.of());
	}

	/**
	 * A load that is not {@linkplain CacheLoad#shared() shared}, as a lookup or a put of
	 * the Spring Cache bridge.
	 */
	static CacheLoad alone(Loader loader, String... argumentTags) {
		return new Wrapped(load(loader, argumentTags)) {

			@Override
			public boolean shared() {
				return false;
			}

		};
	}

	/** A load that can also be run again for a background refresh. */
	static CacheLoad refreshable(Loader loader, String... argumentTags) {
		return new Wrapped(load(loader, argumentTags)) {

			@Override
			public CacheLoad forRefresh() {
				return refreshable(loader, argumentTags);
			}

		};
	}

	/** A plain load, for the variants above to change one thing of. */
	private static class Wrapped implements CacheLoad {

		private final CacheLoad plain;

		Wrapped(CacheLoad plain) {
			this.plain = plain;
		}

		@Override
		public Collection<String> argumentTags() {
			return this.plain.argumentTags();
		}

		@Override
		public @Nullable Object load() throws Throwable {
			return this.plain.load();
		}

		@Override
		public Collection<String> resultTags(@Nullable Object result) {
			return this.plain.resultTags(result);
		}

		@Override
		public boolean isCacheable(@Nullable Object result) {
			return true;
		}

	}

	@FunctionalInterface
	interface Loader {

		@Nullable Object load() throws Throwable;

	}

	/** Counts what every cache of this store reports. */
	static final class CountingObserver implements StoreObserver, CacheObserver {

		final AtomicInteger coalescedLocal = new AtomicInteger();

		final AtomicInteger coalescedRemote = new AtomicInteger();

		final AtomicInteger leaseWaits = new AtomicInteger();

		final AtomicInteger staleServed = new AtomicInteger();

		final AtomicInteger refreshSuccesses = new AtomicInteger();

		final AtomicInteger refreshFailures = new AtomicInteger();

		final AtomicInteger earlyRefreshes = new AtomicInteger();

		final Map<NotCachedReason, AtomicInteger> notCached = new ConcurrentHashMap<>();

		final AtomicInteger refusedTags = new AtomicInteger();

		final Map<String, AtomicInteger> redisErrors = new ConcurrentHashMap<>();

		int redisErrors(String operation) {
			AtomicInteger count = this.redisErrors.get(operation);
			return (count != null) ? count.get() : 0;
		}

		@Override
		public void redisError(String operation) {
			this.redisErrors.computeIfAbsent(operation, (o) -> new AtomicInteger()).incrementAndGet();
		}

		int notCachedFor(NotCachedReason reason) {
			AtomicInteger count = this.notCached.get(reason);
			return (count != null) ? count.get() : 0;
		}

		@Override
		public void notCached(NotCachedReason reason) {
			this.notCached.computeIfAbsent(reason, (r) -> new AtomicInteger()).incrementAndGet();
		}

		@Override
		public void invalidationTagRefused() {
			this.refusedTags.incrementAndGet();
		}

		@Override
		public CacheObserver cache(String cacheName) {
			return this;
		}

		@Override
		public void coalesced(boolean crossProcess) {
			(crossProcess ? this.coalescedRemote : this.coalescedLocal).incrementAndGet();
		}

		@Override
		public void leaseWaited() {
			this.leaseWaits.incrementAndGet();
		}

		@Override
		public void staleServed() {
			this.staleServed.incrementAndGet();
		}

		@Override
		public void refreshed(boolean early, boolean success) {
			(success ? this.refreshSuccesses : this.refreshFailures).incrementAndGet();
			if (early) {
				this.earlyRefreshes.incrementAndGet();
			}
		}

	}

	/** Counts what the subscriber sees. */
	static final class FanoutEvents implements InvalidationSubscriber.Observer {

		final AtomicInteger received = new AtomicInteger();

		final AtomicInteger malformed = new AtomicInteger();

		final AtomicInteger stalled = new AtomicInteger();

		@Override
		public void received(long lagMicros) {
			this.received.incrementAndGet();
		}

		@Override
		public void malformed() {
			this.malformed.incrementAndGet();
		}

		@Override
		public void stalled() {
			this.stalled.incrementAndGet();
		}

	}

	static final class FakeTicker implements Ticker {

		private final AtomicLong nanos = new AtomicLong();

		volatile boolean realSleeps = true;

		@Override
		public long read() {
			return this.nanos.get();
		}

		void advance(Duration duration) {
			this.nanos.addAndGet(duration.toNanos());
		}

		void sleep(long nanos) throws InterruptedException {
			if (this.realSleeps) {
				TimeUnit.NANOSECONDS.sleep(nanos);
			}
			else {
				// Let the other processes of the test run meanwhile.
				Thread.yield();
			}
			this.nanos.addAndGet(nanos);
		}

	}

}
