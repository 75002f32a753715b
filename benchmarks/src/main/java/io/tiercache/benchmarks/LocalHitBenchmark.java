package io.tiercache.benchmarks;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.annotation.Cached;
import io.tiercache.benchmarks.BenchmarkContext.Tier;
import io.tiercache.store.TieredCache;
import io.tiercache.store.TieredStore;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
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

import org.springframework.aop.Advisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/**
 * Cost of a cache hit in this process, for {@code Product find(long id)} called through the
 * bean a caller would inject:
 * <ul>
 * <li>{@code tiercacheL1Hit}: {@code @Cached}, an L1 (Caffeine) hit through the Spring proxy;</li>
 * <li>{@code tiercacheL1HitWithMetrics}: the same with a {@link MeterRegistry} in the context,
 * as in an application with Actuator;</li>
 * <li>{@code springCacheableCaffeine}: Spring's {@code @Cacheable} over a
 * {@link CaffeineCacheManager};</li>
 * <li>{@code handWrittenCaffeine}: {@code cache.getIfPresent} inside the method, no proxy (the
 * floor);</li>
 * <li>{@code plainMethod}: the method without any cache (what its body costs here);</li>
 * <li>{@code proxiedPlainMethod}: the same behind a Spring AOP proxy whose only advice is a
 * pass-through {@link MethodInterceptor}: the floor that any proxy-based cache pays (the
 * arguments array, the boxed id, the method invocation object) before doing any caching.</li>
 * </ul>
 * The keys cycle through {@link ProductIds#COUNT} preloaded ids, so every operation looks up
 * another key and hits. Each setup checks that: over two rounds of all ids the method body
 * never runs, and the L1 variants send no command to Redis.
 * <p>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per operation.
 * All caches are sized alike: at most 10,000 entries, 10 minutes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class LocalHitBenchmark {

	private static final Duration TTL = Duration.ofMinutes(10);

	private static final long MAXIMUM_SIZE = 10_000;

	@Benchmark
	public Product tiercacheL1Hit(TiercacheState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	@Benchmark
	public Product tiercacheL1HitWithMetrics(TiercacheWithMetricsState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	@Benchmark
	public Product springCacheableCaffeine(SpringCaffeineState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	@Benchmark
	public Product handWrittenCaffeine(HandWrittenState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	@Benchmark
	public Product plainMethod(PlainState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	@Benchmark
	public Product proxiedPlainMethod(ProxiedPlainState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	static void preload(ProductSource products) {
		for (int i = 0; i < ProductIds.COUNT; i++) {
			products.find(ProductIds.id(i));
		}
	}

	/**
	 * The {@code @Cached} lookup.
	 */
	public static class TiercacheProducts implements ProductSource {

		// Plain field: a single benchmark thread, and only read between iterations
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

	/**
	 * A Caffeine cache looked up by hand inside the method.
	 */
	public static class HandWrittenProducts implements ProductSource {

		private final Cache<Long, Product> cache = caffeine().build();

		private long loads;

		@Override
		public Product find(long id) {
			Product product = this.cache.getIfPresent(id);
			if (product == null) {
				this.loads++;
				product = Product.load(id);
				this.cache.put(id, product);
			}
			return product;
		}

		@Override
		public long loads() {
			return this.loads;
		}

	}

	/**
	 * No cache at all.
	 */
	public static class PlainProducts implements ProductSource {

		private long loads;

		@Override
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
	 * No cache, but advised by a pass-through interceptor.
	 */
	public static class ProxiedPlainProducts implements ProductSource {

		private long loads;

		@Override
		@PassThrough
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
	 * Marks the methods the pass-through advisor applies to.
	 */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	public @interface PassThrough {

	}

	static Caffeine<Object, Object> caffeine() {
		return Caffeine.newBuilder().maximumSize(MAXIMUM_SIZE).expireAfterWrite(TTL);
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
	static class TiercacheWithMetricsApplication {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		TiercacheProducts tiercacheProducts() {
			return new TiercacheProducts();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class SpringCaffeineApplication {

		@Bean
		CaffeineCacheManager cacheManager() {
			CaffeineCacheManager cacheManager = new CaffeineCacheManager("products");
			cacheManager.setCaffeine(caffeine());
			return cacheManager;
		}

		@Bean
		SpringProducts springProducts() {
			return new SpringProducts();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class UncachedApplication {

		@Bean
		HandWrittenProducts handWrittenProducts() {
			return new HandWrittenProducts();
		}

		@Bean
		PlainProducts plainProducts() {
			return new PlainProducts();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ProxiedApplication {

		// Infrastructure, like tiercache's and Spring's cache advisors: without AspectJ on the
		// class path Boot's auto-proxy creator applies only infrastructure advisors
		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static Advisor passThroughAdvisor() {
			return new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(PassThrough.class),
					(MethodInterceptor) MethodInvocation::proceed);
		}

		@Bean
		ProxiedPlainProducts proxiedPlainProducts() {
			return new ProxiedPlainProducts();
		}

	}

	@State(Scope.Benchmark)
	public static class TiercacheState {

		BenchmarkContext context;

		long loadsAfterSetup;

		TiercacheProducts products;

		@Setup(Level.Trial)
		public void start() {
			this.context = BenchmarkContext.start(TiercacheApplication.class);
			this.products = startTiercache(this.context, "tiercacheL1Hit");
			this.loadsAfterSetup = this.products.loads();
		}

		long redisCommands;

		@Setup(Level.Iteration)
		public void countRedisCommands() {
			this.redisCommands = this.context.redisCommandsProcessed();
		}

		@TearDown(Level.Iteration)
		public void checkAllHit() {
			this.loadsAfterSetup = BenchmarkContext.checkNoLoads("tiercacheL1Hit", this.products, this.loadsAfterSetup);
			this.context.checkFewRedisCommands("tiercacheL1Hit", this.redisCommands);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

	@State(Scope.Benchmark)
	public static class TiercacheWithMetricsState {

		BenchmarkContext context;

		long loadsAfterSetup;

		TiercacheProducts products;

		@Setup(Level.Trial)
		public void start() {
			this.context = BenchmarkContext.start(TiercacheWithMetricsApplication.class);
			this.products = startTiercache(this.context, "tiercacheL1HitWithMetrics");
			MeterRegistry registry = this.context.bean(MeterRegistry.class);
			BenchmarkContext.check(!registry.find("cache.gets").meters().isEmpty(),
					"tiercacheL1HitWithMetrics: no cache.gets meter registered");
			this.loadsAfterSetup = this.products.loads();
		}

		long redisCommands;

		@Setup(Level.Iteration)
		public void countRedisCommands() {
			this.redisCommands = this.context.redisCommandsProcessed();
		}

		@TearDown(Level.Iteration)
		public void checkAllHit() {
			this.loadsAfterSetup = BenchmarkContext.checkNoLoads("tiercacheL1HitWithMetrics", this.products, this.loadsAfterSetup);
			this.context.checkFewRedisCommands("tiercacheL1HitWithMetrics", this.redisCommands);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

	static TiercacheProducts startTiercache(BenchmarkContext context, String what) {
		TieredStore store = context.bean(TieredStore.class);
		// L1 serves nothing until the invalidation subscription is confirmed
		BenchmarkContext.await(() -> store.view().trusted(), Duration.ofSeconds(30),
				"the invalidation subscription (L1 trusted)");
		TiercacheProducts products = context.bean(TiercacheProducts.class);
		preload(products);
		context.verifyHits(what, products::loads, products::find, Tier.LOCAL);
		TieredCache cache = store.caches().get("products");
		BenchmarkContext.check(cache != null && cache.localSize() >= ProductIds.COUNT,
				what + ": L1 holds " + ((cache != null) ? cache.localSize() : 0) + " entries");
		return products;
	}

	@State(Scope.Benchmark)
	public static class SpringCaffeineState {

		BenchmarkContext context;

		long loadsAfterSetup;

		SpringProducts products;

		@Setup(Level.Trial)
		public void start() {
			this.context = BenchmarkContext.start(SpringCaffeineApplication.class, "tiercache.enabled=false");
			this.products = this.context.bean(SpringProducts.class);
			preload(this.products);
			this.context.verifyHits("springCacheableCaffeine", this.products::loads, this.products::find,
					Tier.LOCAL);
			this.loadsAfterSetup = this.products.loads();
		}

		@TearDown(Level.Iteration)
		public void checkAllHit() {
			this.loadsAfterSetup = BenchmarkContext.checkNoLoads("springCacheableCaffeine", this.products, this.loadsAfterSetup);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

	@State(Scope.Benchmark)
	public static class HandWrittenState {

		BenchmarkContext context;

		long loadsAfterSetup;

		HandWrittenProducts products;

		@Setup(Level.Trial)
		public void start() {
			this.context = BenchmarkContext.start(UncachedApplication.class, "tiercache.enabled=false");
			this.products = this.context.bean(HandWrittenProducts.class);
			preload(this.products);
			this.context.verifyHits("handWrittenCaffeine", this.products::loads, this.products::find, Tier.LOCAL);
			this.loadsAfterSetup = this.products.loads();
		}

		@TearDown(Level.Iteration)
		public void checkAllHit() {
			this.loadsAfterSetup = BenchmarkContext.checkNoLoads("handWrittenCaffeine", this.products, this.loadsAfterSetup);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

	@State(Scope.Benchmark)
	public static class ProxiedPlainState {

		BenchmarkContext context;

		ProxiedPlainProducts products;

		@Setup(Level.Trial)
		public void start() {
			this.context = BenchmarkContext.start(ProxiedApplication.class, "tiercache.enabled=false");
			this.products = this.context.bean(ProxiedPlainProducts.class);
			BenchmarkContext.check(AopUtils.isAopProxy(this.products), "proxiedPlainMethod: the bean is not proxied");
			long before = this.products.loads();
			preload(this.products);
			BenchmarkContext.check(this.products.loads() - before == ProductIds.COUNT,
					"proxiedPlainMethod: the method should run on every call");
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

	@State(Scope.Benchmark)
	public static class PlainState {

		BenchmarkContext context;

		PlainProducts products;

		@Setup(Level.Trial)
		public void start() {
			this.context = BenchmarkContext.start(UncachedApplication.class, "tiercache.enabled=false");
			this.products = this.context.bean(PlainProducts.class);
			long before = this.products.loads();
			preload(this.products);
			BenchmarkContext.check(this.products.loads() - before == ProductIds.COUNT,
					"plainMethod: the method should run on every call");
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

}
