package io.tiercache.store;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.fanout.InvalidationView;
import io.tiercache.redis.CircuitBreaker;
import io.tiercache.redis.RedisKeys;
import io.tiercache.redis.RedisScriptRunner;
import io.tiercache.redis.RedisTier;
import io.tiercache.test.RedisServerHandle;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One process's worth of tiercache wired by hand against a real Redis: tests create several to
 * play several instances sharing one server.
 */
final class StoreFixture implements AutoCloseable {

	final LettuceConnectionFactory connectionFactory;

	final InvalidationView view = new InvalidationView();

	final TieredStore store;

	final RedisTier redis;

	final FakeTicker ticker = new FakeTicker();

	final CountingObserver events = new CountingObserver();

	private final @Nullable InvalidationSubscriber subscriber;

	StoreFixture(RedisServerHandle server, boolean subscribe) {
		this(server, subscribe, "tc", Duration.ofMinutes(5));
	}

	StoreFixture(RedisServerHandle server, boolean subscribe, String prefix, Duration localMaxTtl) {
		this(server, subscribe, prefix, localMaxTtl, UnaryOperator.identity());
	}

	StoreFixture(RedisServerHandle server, UnaryOperator<TieredStore.Options> options) {
		this(server, false, "tc", Duration.ofMinutes(5), options, 1);
	}

	StoreFixture(RedisServerHandle server, int breakerThreshold) {
		this(server, false, "tc", Duration.ofMinutes(5), UnaryOperator.identity(), breakerThreshold);
	}

	StoreFixture(RedisServerHandle server, boolean subscribe, String prefix, Duration localMaxTtl,
			UnaryOperator<TieredStore.Options> options) {
		this(server, subscribe, prefix, localMaxTtl, options, 1);
	}

	StoreFixture(RedisServerHandle server, boolean subscribe, String prefix, Duration localMaxTtl,
			UnaryOperator<TieredStore.Options> options, int breakerThreshold) {
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(server.host(), server.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		CircuitBreaker breaker = new CircuitBreaker(breakerThreshold, Duration.ofMillis(200), System::nanoTime);
		this.redis = new RedisTier(new RedisScriptRunner(this.connectionFactory, Duration.ofMillis(300), breaker),
				new RedisKeys(prefix, "v1"), Duration.ofHours(1), UUID.randomUUID().toString());
		JsonMapper mapper = JsonMapper.builder().build();
		this.store = new TieredStore(this.redis, this.view, new JacksonValueCodec(mapper), new KeyRenderer(mapper),
				options.apply(new TieredStore.Options(1000, localMaxTtl, this.ticker, System::currentTimeMillis)),
				this.events);
		this.subscriber = subscribe
				? new InvalidationSubscriber(this.connectionFactory, this.redis, this.view,
						InvalidationSubscriber.Observer.NONE, Duration.ofSeconds(5), Duration.ofMillis(100))
				: null;
		if (this.subscriber != null) {
			this.subscriber.start();
		}
	}

	TieredCache cache(String name, Type type) {
		return this.store.cache(new CacheSettings(name, Duration.ofMinutes(10), Jitter.NONE, null, true, true), type);
	}

	TieredCache cache(CacheSettings settings, Type type) {
		return this.store.cache(settings, type);
	}

	@Override
	public void close() {
		if (this.subscriber != null) {
			this.subscriber.stop();
		}
		this.store.close();
		this.connectionFactory.destroy();
	}

	/** A load whose tags are given and whose result tags come from a function of the result. */
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

	/** A load that can also be run again for a background refresh. */
	static CacheLoad refreshable(Loader loader, String... argumentTags) {
		CacheLoad plain = load(loader, argumentTags);
		return new CacheLoad() {

			@Override
			public Collection<String> argumentTags() {
				return plain.argumentTags();
			}

			@Override
			public @Nullable Object load() throws Throwable {
				return plain.load();
			}

			@Override
			public Collection<String> resultTags(@Nullable Object result) {
				return plain.resultTags(result);
			}

			@Override
			public boolean isCacheable(@Nullable Object result) {
				return true;
			}

			@Override
			public CacheLoad forRefresh() {
				return refreshable(loader, argumentTags);
			}

		};
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

	static final class FakeTicker implements Ticker {

		private final AtomicLong nanos = new AtomicLong();

		@Override
		public long read() {
			return this.nanos.get();
		}

		void advance(Duration duration) {
			this.nanos.addAndGet(duration.toNanos());
		}

	}

}
