package io.tiercache.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.tiercache.store.TieredCache;
import io.tiercache.store.TieredStore;
import io.tiercache.test.EmbeddedRedis;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.util.StringUtils;

/**
 * An embedded Redis and a Spring Boot application context connected to it: what each
 * benchmark state starts in its trial setup and closes in its trial teardown
 * ({@link BenchmarkState}). Uses of tiercache's internals are all in
 * {@link TiercacheInternals}.
 */
final class BenchmarkContext implements AutoCloseable {

	// Null when the Redis is shared and closed by whoever started it
	private final @Nullable EmbeddedRedis redis;

	private final ConfigurableApplicationContext context;

	private BenchmarkContext(@Nullable EmbeddedRedis redis, ConfigurableApplicationContext context) {
		this.redis = redis;
		this.context = context;
	}

	/**
	 * Start Redis, then the application.
	 * @param configuration the application's configuration class
	 * @param properties extra properties in {@code name=value} form
	 * @return the running context
	 */
	static BenchmarkContext start(Class<?> configuration, String... properties) {
		EmbeddedRedis redis = EmbeddedRedis.start();
		try {
			return new BenchmarkContext(redis, run(redis, configuration, null, properties));
		}
		catch (RuntimeException ex) {
			redis.close();
			throw ex;
		}
	}

	/**
	 * Start an application against a Redis that other contexts share: what a stampede
	 * across several application instances needs. {@link #close()} closes the application
	 * only.
	 * @param redis the shared Redis, closed by the caller
	 * @param configuration the application's configuration class
	 * @param properties extra properties in {@code name=value} form
	 * @return the running context
	 */
	static BenchmarkContext startOn(EmbeddedRedis redis, Class<?> configuration, String... properties) {
		return new BenchmarkContext(null, run(redis, configuration, null, properties));
	}

	/**
	 * Start an application against a shared Redis, with an object that other contexts
	 * share too registered as a bean (of its own class, under its simple name): what a
	 * benchmark needs for several application instances reading one "database".
	 * {@link #close()} closes the application only.
	 * @param redis the shared Redis, closed by the caller
	 * @param configuration the application's configuration class
	 * @param shared the shared object
	 * @param properties extra properties in {@code name=value} form
	 * @return the running context
	 */
	static BenchmarkContext startSharing(EmbeddedRedis redis, Class<?> configuration, Object shared,
			String... properties) {
		return new BenchmarkContext(null, run(redis, configuration, shared, properties));
	}

	private static ConfigurableApplicationContext run(EmbeddedRedis redis, Class<?> configuration,
			@Nullable Object shared, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
						"logging.level.root=WARN", "spring.main.log-startup-info=false", "spring.jmx.enabled=false"));
		all.addAll(Arrays.asList(properties));
		SpringApplicationBuilder builder = new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new));
		if (shared != null) {
			String name = StringUtils.uncapitalize(shared.getClass().getSimpleName());
			builder.initializers((context) -> context.getBeanFactory().registerSingleton(name, shared));
		}
		return builder.run();
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/**
	 * What the benchmarks look at inside tiercache, beyond its annotations, its
	 * programmatic API and the beans they look up by type.
	 * @return tiercache's internals in this context
	 */
	TiercacheInternals tiercache() {
		return new TiercacheInternals(bean(TieredStore.class));
	}

	/**
	 * Commands Redis has processed so far ({@code INFO stats}), counting this one: tells
	 * whether a series of calls went to Redis.
	 * @return the number of commands
	 */
	long redisCommandsProcessed() {
		try (RedisConnection connection = bean(RedisConnectionFactory.class).getConnection()) {
			Properties stats = connection.serverCommands().info("stats");
			return Long.parseLong(stats.getProperty("total_commands_processed").trim());
		}
	}

	@Override
	public void close() {
		try {
			this.context.close();
		}
		finally {
			if (this.redis != null) {
				this.redis.close();
			}
		}
	}

	/**
	 * Call the bean once with every id of {@link ProductIds}, so that each one is cached.
	 * @param products the bean
	 */
	static void preload(ProductSource products) {
		for (int i = 0; i < ProductIds.COUNT; i++) {
			products.find(ProductIds.id(i));
		}
	}

	/**
	 * Fail the trial unless every id of {@link ProductIds} is now a hit: over two rounds
	 * of all the ids, the method body never runs, and the calls reach Redis (or not) as
	 * the benchmark claims.
	 * @param what the variant, for messages
	 * @param loads how many times the method body has run
	 * @param find a call through the variant
	 * @param tier where the hits must come from
	 */
	void verifyHits(String what, LongSupplier loads, LongConsumer find, Tier tier) {
		int calls = 2 * ProductIds.COUNT;
		long loadsBefore = loads.getAsLong();
		long commandsBefore = redisCommandsProcessed();
		for (int i = 0; i < calls; i++) {
			find.accept(ProductIds.id(i % ProductIds.COUNT));
		}
		long loaded = loads.getAsLong() - loadsBefore;
		// Minus the INFO that took the second reading
		long commands = redisCommandsProcessed() - commandsBefore - 1;
		check(loaded == 0, what + ": the method ran " + loaded + " times in " + calls + " calls: not all hits");
		if (tier == Tier.LOCAL) {
			// Room for background commands (the subscriber's periodic check), never one
			// per call
			check(commands < calls / 10,
					what + ": " + commands + " Redis commands for " + calls + " calls: not local hits");
		}
		else {
			check(commands >= calls,
					what + ": only " + commands + " Redis commands for " + calls + " calls: not Redis hits");
		}
	}

	/**
	 * The only code of the benchmarks that uses tiercache's internal types (the store's
	 * caches and its invalidation view): when they move or change, this class is what to
	 * adapt. Apart from it the benchmarks use tiercache's annotations,
	 * {@code TierCacheOperations} and beans looked up by their public type.
	 */
	static final class TiercacheInternals {

		private final TieredStore store;

		private TiercacheInternals(TieredStore store) {
			this.store = store;
		}

		/**
		 * Wait until this process trusts its local tier: it serves nothing before the
		 * invalidation subscription is confirmed.
		 */
		void awaitLocalTierTrusted() {
			await(() -> this.store.trust().trusted(), Duration.ofSeconds(30),
					"the invalidation subscription (local tier trusted)");
		}

		/**
		 * Whether this process trusts its local tier and has no invalidation waiting for
		 * Redis.
		 * @return whether it is in a steady state
		 */
		boolean steady() {
			return this.store.trust().trusted() && this.store.pendingInvalidations() == 0;
		}

		/**
		 * The local tier of a cache.
		 * @param cache the cache name
		 * @return the local tier, or {@code null} if the cache does not exist (yet)
		 */
		@Nullable LocalTier localTier(String cache) {
			TieredCache tiered = this.store.caches().get(cache);
			return (tiered != null) ? new LocalTier(tiered.settings().local(), tiered.localSize(), tiered.toString())
					: null;
		}

		/**
		 * The Redis keys of a cache's entries, found by their prefix.
		 * @param cache the cache name
		 * @param count how many there must be
		 * @param connectionFactory a connection to the store's Redis
		 * @return the keys, in no particular order
		 */
		byte[][] entryKeys(String cache, int count, RedisConnectionFactory connectionFactory) {
			byte[] pattern = (this.store.redis().keys().entryPrefix(cache) + "*").getBytes(StandardCharsets.UTF_8);
			List<byte[]> keys = new ArrayList<>();
			try (RedisConnection connection = connectionFactory.getConnection();
					Cursor<byte[]> cursor = connection.keyCommands()
						.scan(ScanOptions.scanOptions().match(pattern).count(1000).build())) {
				cursor.forEachRemaining(keys::add);
			}
			check(keys.size() == count,
					"expected " + count + " entries of '" + cache + "' in Redis, found " + keys.size());
			return keys.toArray(byte[][]::new);
		}

		/**
		 * A lookup in a cache's local tier alone, as the interceptor makes it once it has
		 * the key: no proxy, no key derivation, no method lookup.
		 * @param cache the cache name, of an existing cache
		 * @return the lookup of an id: the value, or {@link TieredCache#MISS}
		 */
		LongFunction<@Nullable Object> localLookup(String cache) {
			TieredCache tiered = this.store.caches().get(cache);
			check(tiered != null, "no cache '" + cache + "'");
			return (id) -> tiered.getLocal(id);
		}

		/**
		 * Whether the local tier would serve a key, without looking anything up in Redis.
		 * @param cache the cache name, of an existing cache
		 * @param key the key
		 * @return whether the local tier holds a servable entry
		 */
		boolean servesLocally(String cache, Object key) {
			TieredCache tiered = this.store.caches().get(cache);
			check(tiered != null, "no cache '" + cache + "'");
			return tiered.getLocal(key) != TieredCache.MISS;
		}

		/**
		 * Run an action every time this process applies an invalidation of a tag (its
		 * own, on return, and each one received from the channel).
		 * @param tag the tag
		 * @param action what to run, on the thread that applies it
		 */
		void onInvalidationApplied(String tag, Runnable action) {
			this.store.trust().addApplyListener((epoch, seq, tags) -> {
				if (tags.contains(tag)) {
					action.run();
				}
			});
		}

		/** The invalidation view's state, for messages. */
		@Override
		public String toString() {
			return this.store.trust().toString();
		}

	}

	/**
	 * A cache's local tier.
	 *
	 * @param enabled whether the cache keeps entries locally at all
	 * @param size the number of entries it holds
	 * @param cache the cache, for messages
	 */
	record LocalTier(boolean enabled, long size, String cache) {
	}

	/** Where {@link #verifyHits} expects hits to come from. */
	enum Tier {

		/** This process's memory: no Redis command. */
		LOCAL,

		/** Redis: at least one command per call. */
		REDIS

	}

	/**
	 * Fail unless the method body has not run since the given count: called after each
	 * iteration of a hit benchmark, so that a result never mixes hits with misses.
	 * @param what the variant, for messages
	 * @param products the bean
	 * @param since the count when the iteration started
	 * @return the current count
	 */
	static long checkNoLoads(String what, ProductSource products, long since) {
		long loads = products.loads();
		check(loads == since, what + ": the method ran " + (loads - since)
				+ " times during the iteration: not every operation was a hit");
		return loads;
	}

	/**
	 * Fail if Redis processed more than a few commands since the given count: called
	 * after each iteration of a local-hit benchmark, whose millions of operations must
	 * not have fallen back to Redis (a cleared or distrusted L1 would).
	 * @param what the variant, for messages
	 * @param since the count when the iteration started
	 */
	void checkFewRedisCommands(String what, long since) {
		long commands = redisCommandsProcessed() - since - 1;
		check(commands < 1000,
				what + ": " + commands + " Redis commands during the iteration: some operations were not local hits");
	}

	static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	static void await(BooleanSupplier condition, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what);
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted waiting for " + what, ex);
			}
		}
	}

}
