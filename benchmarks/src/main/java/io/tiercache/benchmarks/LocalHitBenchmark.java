package io.tiercache.benchmarks;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.benchmarks.BenchmarkContext.LocalTier;
import io.tiercache.benchmarks.BenchmarkContext.Tier;
import io.tiercache.benchmarks.BenchmarkContext.TiercacheInternals;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
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
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/**
 * Cost of a cache hit in this process, for {@code Product find(long id)} called through
 * the bean a caller would inject:
 * <ul>
 * <li>{@code tiercacheL1Hit}: {@code @Cached}, an L1 (Caffeine) hit through the Spring
 * proxy;</li>
 * <li>{@code tiercacheL1HitWithMetrics}: the same with a {@link MeterRegistry} in the
 * context, as in an application with Actuator;</li>
 * <li>{@code springCacheableCaffeine}: Spring's {@code @Cacheable} over a
 * {@link CaffeineCacheManager};</li>
 * <li>{@code handWrittenCaffeine}: {@code cache.getIfPresent} inside the method, no proxy
 * (the floor);</li>
 * <li>{@code plainMethod}: the method without any cache (what its body costs here);</li>
 * <li>{@code proxiedPlainMethod}: the same behind a Spring AOP proxy whose only advice is
 * a pass-through {@link MethodInterceptor}: the floor that any proxy-based cache pays
 * (the arguments array, the boxed id, the method invocation object) before doing any
 * caching.</li>
 * </ul>
 * The keys cycle through {@link ProductIds#COUNT} preloaded ids, so every operation looks
 * up another key and hits. Each setup checks that: over two rounds of all ids the method
 * body never runs, and the L1 variants send no command to Redis.
 * <p>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per
 * operation. All caches are sized alike: at most 10,000 entries, 10 minutes.
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

	/**
	 * The part of {@link #tiercacheL1Hit} spent in the store: the lookup in the local
	 * tier with its checks (Caffeine, the trust's clock read, the tags' states, the hit
	 * counter), without the proxy, the interceptor's method lookup and the key.
	 */
	@Benchmark
	public @Nullable Object tiercacheLocalTierOnly(TiercacheState state, ProductIds ids) {
		return state.localLookup.apply(ids.next());
	}

	/**
	 * {@link #handWrittenCaffeine} with the local tier's kind of expiry: variable, a time
	 * to live per entry ({@code Expiry.writing}), instead of one for the whole cache.
	 */
	@Benchmark
	public Product handWrittenCaffeineVariableExpiry(HandWrittenVariableExpiryState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	/** One clock read, as the time-bounded trust check makes on every local hit. */
	@Benchmark
	public long nanoTime() {
		return System.nanoTime();
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
	 * {@link HandWrittenProducts} on a cache whose entries each have their own time to
	 * live, as in tiercache's local tier.
	 */
	public static class HandWrittenVariableExpiryProducts implements ProductSource {

		private final Cache<Long, Product> cache = Caffeine.newBuilder()
			.maximumSize(MAXIMUM_SIZE)
			.expireAfter(Expiry.<Long, Product>writing((key, product) -> TTL))
			.build();

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
		Products.Tiercache tiercacheProducts() {
			return new Products.Tiercache(Product::load);
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
		Products.Tiercache tiercacheProducts() {
			return new Products.Tiercache(Product::load);
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
		Products.Spring springProducts() {
			return new Products.Spring(Product::load);
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
		HandWrittenVariableExpiryProducts handWrittenVariableExpiryProducts() {
			return new HandWrittenVariableExpiryProducts();
		}

		@Bean
		PlainProducts plainProducts() {
			return new PlainProducts();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ProxiedApplication {

		// Infrastructure, like tiercache's and Spring's cache advisors: without AspectJ
		// on the class path Boot's auto-proxy creator applies only infrastructure
		// advisors
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

	/**
	 * The tiercache variants: L1 hits, and after every iteration hardly any Redis command
	 * (a cleared or distrusted L1 would send every call to Redis).
	 */
	public abstract static class TiercacheL1State extends HitState {

		Products.Tiercache products;

		LongFunction<@Nullable Object> localLookup;

		private long redisCommands;

		TiercacheL1State(String what, Class<?> application) {
			super(what, application);
		}

		@Override
		ProductSource prepare(BenchmarkContext context) {
			TiercacheInternals tiercache = context.tiercache();
			tiercache.awaitLocalTierTrusted();
			this.products = preloaded(context.bean(Products.Tiercache.class), Tier.LOCAL);
			this.localLookup = tiercache.localLookup("products");
			for (int i = 0; i < ProductIds.COUNT; i++) {
				BenchmarkContext.check(this.localLookup.apply(ProductIds.id(i)) instanceof Product,
						this.what + ": the local tier alone does not serve id " + ProductIds.id(i));
			}
			LocalTier local = tiercache.localTier("products");
			BenchmarkContext.check(local != null && local.size() >= ProductIds.COUNT,
					this.what + ": L1 holds " + ((local != null) ? local.size() : 0) + " entries");
			return this.products;
		}

		@Setup(Level.Iteration)
		public void countRedisCommands() {
			this.redisCommands = this.context.redisCommandsProcessed();
		}

		@TearDown(Level.Iteration)
		public void checkFewRedisCommands() {
			this.context.checkFewRedisCommands(this.what, this.redisCommands);
		}

	}

	@State(Scope.Benchmark)
	public static class TiercacheState extends TiercacheL1State {

		public TiercacheState() {
			super("tiercacheL1Hit", TiercacheApplication.class);
		}

	}

	@State(Scope.Benchmark)
	public static class TiercacheWithMetricsState extends TiercacheL1State {

		public TiercacheWithMetricsState() {
			super("tiercacheL1HitWithMetrics", TiercacheWithMetricsApplication.class);
		}

		@Override
		ProductSource prepare(BenchmarkContext context) {
			ProductSource products = super.prepare(context);
			MeterRegistry registry = context.bean(MeterRegistry.class);
			BenchmarkContext.check(!registry.find("cache.gets").meters().isEmpty(),
					this.what + ": no cache.gets meter registered");
			return products;
		}

	}

	@State(Scope.Benchmark)
	public static class SpringCaffeineState extends HitState {

		Products.Spring products;

		public SpringCaffeineState() {
			super("springCacheableCaffeine", SpringCaffeineApplication.class, "tiercache.enabled=false");
		}

		@Override
		ProductSource prepare(BenchmarkContext context) {
			this.products = preloaded(context.bean(Products.Spring.class), Tier.LOCAL);
			return this.products;
		}

	}

	@State(Scope.Benchmark)
	public static class HandWrittenState extends HitState {

		HandWrittenProducts products;

		public HandWrittenState() {
			super("handWrittenCaffeine", UncachedApplication.class, "tiercache.enabled=false");
		}

		@Override
		ProductSource prepare(BenchmarkContext context) {
			this.products = preloaded(context.bean(HandWrittenProducts.class), Tier.LOCAL);
			return this.products;
		}

	}

	@State(Scope.Benchmark)
	public static class HandWrittenVariableExpiryState extends HitState {

		HandWrittenVariableExpiryProducts products;

		public HandWrittenVariableExpiryState() {
			super("handWrittenCaffeineVariableExpiry", UncachedApplication.class, "tiercache.enabled=false");
		}

		@Override
		ProductSource prepare(BenchmarkContext context) {
			this.products = preloaded(context.bean(HandWrittenVariableExpiryProducts.class), Tier.LOCAL);
			return this.products;
		}

	}

	/**
	 * Fail unless one round of all ids ran the method every time: the uncached variants.
	 */
	static void checkEveryCallLoads(String what, ProductSource products) {
		long before = products.loads();
		BenchmarkContext.preload(products);
		BenchmarkContext.check(products.loads() - before == ProductIds.COUNT,
				what + ": the method should run on every call");
	}

	@State(Scope.Benchmark)
	public static class ProxiedPlainState extends BenchmarkState {

		ProxiedPlainProducts products;

		public ProxiedPlainState() {
			super(ProxiedApplication.class, "tiercache.enabled=false");
		}

		@Override
		void started(BenchmarkContext context) {
			this.products = context.bean(ProxiedPlainProducts.class);
			BenchmarkContext.check(AopUtils.isAopProxy(this.products), "proxiedPlainMethod: the bean is not proxied");
			checkEveryCallLoads("proxiedPlainMethod", this.products);
		}

	}

	@State(Scope.Benchmark)
	public static class PlainState extends BenchmarkState {

		PlainProducts products;

		public PlainState() {
			super(UncachedApplication.class, "tiercache.enabled=false");
		}

		@Override
		void started(BenchmarkContext context) {
			this.products = context.bean(PlainProducts.class);
			checkEveryCallLoads("plainMethod", this.products);
		}

	}

}
