package io.tiercache.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.tiercache.benchmarks.BenchmarkContext.LocalTier;
import io.tiercache.benchmarks.BenchmarkContext.Tier;
import io.tiercache.benchmarks.BenchmarkContext.TiercacheInternals;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * Cost of a cache hit served by Redis (one loopback round trip to an embedded Redis 7),
 * for {@code Product find(long id)} through the Spring proxy:
 * <ul>
 * <li>{@code tiercacheL2Hit}: {@code @Cached} with
 * {@code tiercache.caches.products.local=false}, so every call reads and validates the
 * entry in Redis (one script);</li>
 * <li>{@code springRedisCacheJson}: {@code @Cacheable} over a {@link RedisCacheManager}
 * with {@code RedisCacheConfiguration.defaultCacheConfig()} and the
 * {@link GenericJacksonJsonRedisSerializer} (Jackson 3, default typing): the usual JSON
 * setup;</li>
 * <li>{@code springRedisCacheJdk}: the same with {@code defaultCacheConfig()}'s own JDK
 * serialization;</li>
 * <li>{@code rawLettuceGet}: a plain {@code GET} of the bytes tiercache stored, on a
 * Lettuce connection of its own: the floor of any Redis hit.</li>
 * </ul>
 * Each setup checks that over two rounds of all {@link ProductIds} the method body never
 * runs and Redis processes at least one command per call. Run with {@code -prof gc} for
 * bytes/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class RemoteHitBenchmark {

	private static final Duration TTL = Duration.ofMinutes(10);

	@Benchmark
	public Product tiercacheL2Hit(TiercacheState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	@Benchmark
	public Product springRedisCacheJson(SpringJsonState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	@Benchmark
	public Product springRedisCacheJdk(SpringJdkState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	@Benchmark
	public byte[] rawLettuceGet(RawGetState state, ProductIds ids) {
		return state.commands.get(state.keys[(int) (ids.next() - ProductIds.FIRST)]);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TiercacheApplication {

		// Redis-only through tiercache.caches.products.local=false
		@Bean
		Products.Tiercache tiercacheProducts() {
			return new Products.Tiercache(Product::load);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class SpringJsonApplication {

		@Bean
		RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory) {
			GenericJacksonJsonRedisSerializer json = GenericJacksonJsonRedisSerializer.builder()
				.enableDefaultTyping(BasicPolymorphicTypeValidator.builder()
					.allowIfSubType(Product.class.getPackageName() + ".")
					.build())
				.enableSpringCacheNullValueSupport()
				.build();
			return RedisCacheManager.builder(connectionFactory)
				.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
					.entryTtl(TTL)
					.serializeValuesWith(SerializationPair.fromSerializer(json)))
				.build();
		}

		@Bean
		Products.Spring springProducts() {
			return new Products.Spring(Product::load);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class SpringJdkApplication {

		@Bean
		RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory) {
			return RedisCacheManager.builder(connectionFactory)
				.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig(Product.class.getClassLoader()).entryTtl(TTL))
				.build();
		}

		@Bean
		Products.Spring springProducts() {
			return new Products.Spring(Product::load);
		}

	}

	@State(Scope.Benchmark)
	public static class TiercacheState extends HitState {

		Products.Tiercache products;

		public TiercacheState() {
			super("tiercacheL2Hit", TiercacheApplication.class, "tiercache.caches.products.local=false");
		}

		@Override
		ProductSource prepare(BenchmarkContext context) {
			TiercacheInternals tiercache = context.tiercache();
			tiercache.awaitLocalTierTrusted();
			this.products = preloaded(context.bean(Products.Tiercache.class), Tier.REDIS);
			LocalTier local = tiercache.localTier("products");
			BenchmarkContext.check(local != null && !local.enabled() && local.size() == 0,
					this.what + ": the cache should have no local tier: " + local);
			return this.products;
		}

	}

	/**
	 * The floor of any Redis hit: a {@code GET}, on a Lettuce connection of its own, of
	 * the bytes tiercache stored for each id, undecoded. Its context is the tiercache
	 * one, used only to write those entries.
	 */
	@State(Scope.Benchmark)
	public static class RawGetState extends BenchmarkState {

		byte[][] keys;

		RedisClient client;

		StatefulRedisConnection<byte[], byte[]> connection;

		RedisCommands<byte[], byte[]> commands;

		public RawGetState() {
			super(TiercacheApplication.class, "tiercache.caches.products.local=false");
		}

		@Override
		void started(BenchmarkContext context) {
			context.tiercache().awaitLocalTierTrusted();
			Products.Tiercache products = context.bean(Products.Tiercache.class);
			BenchmarkContext.preload(products);
			RedisStandaloneConfiguration redis = context.bean(LettuceConnectionFactory.class)
				.getStandaloneConfiguration();
			this.client = RedisClient.create(RedisURI.create(redis.getHostName(), redis.getPort()));
			this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
			this.commands = this.connection.sync();
			this.keys = context.tiercache()
				.entryKeys("products", ProductIds.COUNT, context.bean(RedisConnectionFactory.class));
			for (byte[] key : this.keys) {
				BenchmarkContext.check(this.commands.get(key) != null, "rawLettuceGet: no entry at a key");
			}
		}

		@TearDown(Level.Trial)
		public void closeClient() {
			this.connection.close();
			this.client.shutdown();
		}

	}

	@State(Scope.Benchmark)
	public static class SpringJsonState extends HitState {

		Products.Spring products;

		public SpringJsonState() {
			super("springRedisCacheJson", SpringJsonApplication.class, "tiercache.enabled=false");
		}

		@Override
		ProductSource prepare(BenchmarkContext context) {
			this.products = preloaded(context.bean(Products.Spring.class), Tier.REDIS);
			return this.products;
		}

	}

	@State(Scope.Benchmark)
	public static class SpringJdkState extends HitState {

		Products.Spring products;

		public SpringJdkState() {
			super("springRedisCacheJdk", SpringJdkApplication.class, "tiercache.enabled=false");
		}

		@Override
		ProductSource prepare(BenchmarkContext context) {
			this.products = preloaded(context.bean(Products.Spring.class), Tier.REDIS);
			return this.products;
		}

	}

}
