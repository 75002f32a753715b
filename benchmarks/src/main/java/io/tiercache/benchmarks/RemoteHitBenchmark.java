package io.tiercache.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.tiercache.benchmarks.BenchmarkContext.LocalTier;
import io.tiercache.benchmarks.BenchmarkContext.Tier;
import io.tiercache.benchmarks.BenchmarkContext.TiercacheInternals;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;
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
 * serialization.</li>
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
