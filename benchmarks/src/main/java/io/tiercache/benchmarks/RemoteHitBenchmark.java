package io.tiercache.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.tiercache.annotation.Cached;
import io.tiercache.benchmarks.BenchmarkContext.Tier;
import io.tiercache.store.TieredCache;
import io.tiercache.store.TieredStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * Cost of a cache hit served by Redis (one loopback round trip to an embedded Redis 7), for
 * {@code Product find(long id)} through the Spring proxy:
 * <ul>
 * <li>{@code tiercacheL2Hit}: {@code @Cached} with {@code tiercache.caches.products.local=false},
 * so every call reads and validates the entry in Redis (one script);</li>
 * <li>{@code springRedisCacheJson}: {@code @Cacheable} over a {@link RedisCacheManager} with
 * {@code RedisCacheConfiguration.defaultCacheConfig()} and the
 * {@link GenericJacksonJsonRedisSerializer} (Jackson 3, default typing): the usual JSON setup;</li>
 * <li>{@code springRedisCacheJdk}: the same with {@code defaultCacheConfig()}'s own JDK
 * serialization.</li>
 * </ul>
 * Each setup checks that over two rounds of all {@link ProductIds} the method body never runs
 * and Redis processes at least one command per call. Run with {@code -prof gc} for bytes/op.
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

	/**
	 * The {@code @Cached} lookup; its cache is made Redis-only by a property.
	 */
	public static class TiercacheProducts implements ProductSource {

		private long loads;

		@Override
		@Cached(name = "products", ttl = "10m", tags = "'p:' + #id")
		public Product find(long id) {
			this.loads++;
			return Product.load(id);
		}

		@Override
		public long loads() {
			return this.loads;
		}

	}

	/**
	 * The {@code @Cacheable} lookup.
	 */
	public static class SpringProducts implements ProductSource {

		private long loads;

		@Override
		@Cacheable("products")
		public Product find(long id) {
			this.loads++;
			return Product.load(id);
		}

		@Override
		public long loads() {
			return this.loads;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TiercacheApplication {

		@Bean
		TiercacheProducts tiercacheProducts() {
			return new TiercacheProducts();
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
		SpringProducts springProducts() {
			return new SpringProducts();
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
		SpringProducts springProducts() {
			return new SpringProducts();
		}

	}

	static <T extends ProductSource> T startSpring(BenchmarkContext context, Class<T> type, String what) {
		T products = context.bean(type);
		LocalHitBenchmark.preload(products);
		context.verifyHits(what, products::loads, products::find, Tier.REDIS);
		return products;
	}

	@State(Scope.Benchmark)
	public static class TiercacheState {

		BenchmarkContext context;

		long loadsAfterSetup;

		TiercacheProducts products;

		@Setup(Level.Trial)
		public void start() {
			this.context = BenchmarkContext.start(TiercacheApplication.class, "tiercache.caches.products.local=false");
			TieredStore store = this.context.bean(TieredStore.class);
			BenchmarkContext.await(() -> store.trust().trusted(), Duration.ofSeconds(30),
					"the invalidation subscription");
			this.products = startSpring(this.context, TiercacheProducts.class, "tiercacheL2Hit");
			TieredCache cache = store.caches().get("products");
			BenchmarkContext.check(cache != null && !cache.settings().local() && cache.localSize() == 0,
					"tiercacheL2Hit: the cache should have no local tier: " + cache);
			this.loadsAfterSetup = this.products.loads();
		}

		@TearDown(Level.Iteration)
		public void checkAllHit() {
			this.loadsAfterSetup = BenchmarkContext.checkNoLoads("tiercacheL2Hit", this.products, this.loadsAfterSetup);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

	@State(Scope.Benchmark)
	public static class SpringJsonState {

		BenchmarkContext context;

		long loadsAfterSetup;

		SpringProducts products;

		@Setup(Level.Trial)
		public void start() {
			this.context = BenchmarkContext.start(SpringJsonApplication.class, "tiercache.enabled=false");
			this.products = startSpring(this.context, SpringProducts.class, "springRedisCacheJson");
			this.loadsAfterSetup = this.products.loads();
		}

		@TearDown(Level.Iteration)
		public void checkAllHit() {
			this.loadsAfterSetup = BenchmarkContext.checkNoLoads("springRedisCacheJson", this.products, this.loadsAfterSetup);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

	@State(Scope.Benchmark)
	public static class SpringJdkState {

		BenchmarkContext context;

		long loadsAfterSetup;

		SpringProducts products;

		@Setup(Level.Trial)
		public void start() {
			this.context = BenchmarkContext.start(SpringJdkApplication.class, "tiercache.enabled=false");
			this.products = startSpring(this.context, SpringProducts.class, "springRedisCacheJdk");
			this.loadsAfterSetup = this.products.loads();
		}

		@TearDown(Level.Iteration)
		public void checkAllHit() {
			this.loadsAfterSetup = BenchmarkContext.checkNoLoads("springRedisCacheJdk", this.products, this.loadsAfterSetup);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

}
