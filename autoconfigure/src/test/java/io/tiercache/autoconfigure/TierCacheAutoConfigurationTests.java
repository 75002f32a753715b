package io.tiercache.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.interceptor.CachedOperation;
import io.tiercache.interceptor.TierCacheAdvisor;
import io.tiercache.interceptor.TierCacheDefaults;
import io.tiercache.interceptor.TierCacheInterceptor;
import io.tiercache.interceptor.TierCacheOperationSource;
import io.tiercache.metrics.MicrometerStoreObserver;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.JacksonValueCodec;
import io.tiercache.store.Jitter;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.LoggingStoreErrorHandler;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredStore;
import io.tiercache.store.ValueCodec;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link TierCacheAutoConfiguration}, against a real Redis.
 */
class TierCacheAutoConfigurationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	/**
	 * Every type of bean that the auto-configuration may define, for the cases in which
	 * it must define none.
	 */
	private static final List<Class<?>> TIERCACHE_BEAN_TYPES = List.of(StoreErrorHandler.class, ValueCodec.class,
			TieredStore.class, InvalidationSubscriber.class, StoreObserver.class, TierCacheOperationSource.class,
			TierCacheInterceptor.class, TierCacheAdvisor.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class))
		.withPropertyValues(redis.springProperties());

	@BeforeEach
	void flushRedis() {
		// Entries survive a context: start each case from an empty keyspace
		redis.flushAll();
	}

	@Test
	void definesEveryBeanAndBindsDefaultProperties() {
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(StoreErrorHandler.class)
				.hasSingleBean(TieredStore.class)
				.hasSingleBean(InvalidationSubscriber.class)
				.hasSingleBean(TierCacheOperationSource.class)
				.hasSingleBean(TierCacheInterceptor.class)
				.hasSingleBean(TierCacheAdvisor.class)
				.doesNotHaveBean(MicrometerStoreObserver.class);
			assertThat(context).getBean(ValueCodec.class).isInstanceOf(JacksonValueCodec.class);
			assertThat(context.getBean(InvalidationSubscriber.class).isRunning()).isTrue();
			// The container confirms the subscription to our listener on another thread
			LocalTrust trust = context.getBean(TieredStore.class).trust();
			await().atMost(Duration.ofSeconds(5)).until(trust::trusted);
			assertThat(context.getBean(TieredStore.class).redis().keys().base()).isEqualTo("{tc:v1}:");
			TierCacheProperties properties = context.getBean(TierCacheProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.getNamespace()).as("unset: the store uses v1 without an application name").isNull();
			assertThat(properties.getDefaultTtl()).isEqualTo(Duration.ofHours(1));
			assertThat(properties.getDefaultJitter()).isEmpty();
			assertThat(properties.getMaxTtl()).isEqualTo(Duration.ofDays(1));
			assertThat(properties.getLocal().getMaximumSize()).isEqualTo(10_000);
			assertThat(properties.getLocal().getMaxTtl()).isEqualTo(Duration.ofMinutes(5));
			assertThat(properties.getRedis().getKeyPrefix()).isEqualTo("tc");
			assertThat(properties.getRedis().getCommandTimeout()).isEqualTo(Duration.ofMillis(500));
			assertThat(properties.getRedis().getBreaker().getFailureThreshold()).isEqualTo(3);
			assertThat(properties.getRedis().getBreaker().getOpenDuration()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getCaches()).isEmpty();
			assertThat(settings(context, SquaresService.class, "square", long.class))
				.isEqualTo(new CacheSettings("squares", Duration.ofHours(1), Jitter.NONE, null, true, true));
		});
	}

	@Test
	void bindsEveryPropertyAndAppliesPerCacheOverridesToAnnotatedMethods() {
		this.contextRunner.withUserConfiguration(ProductsConfiguration.class)
			.withPropertyValues("tiercache.enabled=true", "tiercache.namespace=v2", "tiercache.default-ttl=20m",
					"tiercache.default-jitter=5s", "tiercache.max-ttl=12h", "tiercache.local.maximum-size=500",
					"tiercache.local.max-ttl=2m", "tiercache.local.max-unconfirmed=3s",
					"tiercache.redis.key-prefix=app", "tiercache.redis.command-timeout=250ms",
					"tiercache.redis.breaker.failure-threshold=5", "tiercache.redis.breaker.open-duration=3s",
					"tiercache.caches.products.ttl=30s", "tiercache.caches.products.jitter=10%",
					"tiercache.caches.products.null-ttl=5s", "tiercache.caches.products.local=false",
					"tiercache.caches.products.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TierCacheProperties properties = context.getBean(TierCacheProperties.class);
				assertThat(properties.isEnabled()).isTrue();
				assertThat(properties.getNamespace()).isEqualTo("v2");
				assertThat(properties.getDefaultTtl()).isEqualTo(Duration.ofMinutes(20));
				assertThat(properties.getDefaultJitter()).isEqualTo("5s");
				assertThat(properties.getMaxTtl()).isEqualTo(Duration.ofHours(12));
				assertThat(properties.getLocal().getMaximumSize()).isEqualTo(500);
				assertThat(properties.getLocal().getMaxTtl()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.getLocal().getMaxUnconfirmed()).isEqualTo(Duration.ofSeconds(3));
				assertThat(context.getBean(TieredStore.class).options().localMaxUnconfirmed())
					.isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getRedis().getKeyPrefix()).isEqualTo("app");
				assertThat(properties.getRedis().getCommandTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getRedis().getBreaker().getFailureThreshold()).isEqualTo(5);
				assertThat(properties.getRedis().getBreaker().getOpenDuration()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getCaches()).containsOnlyKeys("products");
				TierCacheProperties.CacheSpec products = properties.getCaches().get("products");
				assertThat(products.getTtl()).isEqualTo(Duration.ofSeconds(30));
				assertThat(products.getJitter()).isEqualTo("10%");
				assertThat(products.getNullTtl()).isEqualTo(Duration.ofSeconds(5));
				assertThat(products.getLocal()).isFalse();
				assertThat(products.getEnabled()).isFalse();
				assertThat(context.getBean(TieredStore.class).redis().keys().base()).isEqualTo("{app:v2}:");
				// tiercache.caches.products.* wins over @Cached(name = "products", ttl =
				// "10m")
				assertThat(settings(context, ProductsService.class, "find", long.class)).isEqualTo(new CacheSettings(
						"products", Duration.ofSeconds(30), Jitter.ofPercent(10), Duration.ofSeconds(5), false, false));
				// a method of another cache keeps tiercache.default-*
				assertThat(settings(context, ProductsService.class, "findName", long.class))
					.isEqualTo(new CacheSettings("ProductsService.findName", Duration.ofMinutes(20),
							Jitter.of(Duration.ofSeconds(5)), null, true, true));
				ProductsService service = context.getBean(ProductsService.class);
				service.find(1);
				service.find(1);
				assertThat(service.invocations()).as("invocations of a disabled cache").isEqualTo(2);
			});
	}

	@Test
	void backsOffWhenUserDefinesValueCodec() {
		CountingValueCodec codec = new CountingValueCodec();
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withBean(ValueCodec.class, () -> codec)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean(ValueCodec.class).isSameAs(codec);
				assertThat(context.getBean(SquaresService.class).square(3)).isEqualTo(9);
				assertThat(codec.bindings).as("bindings of the user's codec by the store").hasPositiveValue();
			});
	}

	@Test
	void backsOffWhenUserDefinesOperationSource() {
		TierCacheOperationSource operationSource = new TierCacheOperationSource(new TierCacheDefaults(
				Duration.ofMinutes(1), Jitter.NONE, Duration.ofHours(1), (settings) -> settings.withEnabled(false)));
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withBean(TierCacheOperationSource.class, () -> operationSource,
					(definition) -> definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean(TierCacheOperationSource.class).isSameAs(operationSource);
				assertThat(context).hasSingleBean(TierCacheInterceptor.class).hasSingleBean(TierCacheAdvisor.class);
				SquaresService service = context.getBean(SquaresService.class);
				service.square(3);
				service.square(3);
				// The user's source disables every cache: the advisor uses it, not one of
				// its own
				assertThat(service.invocations()).isEqualTo(2);
			});
	}

	@Test
	void everyBeanBacksOffWhenUserDefinesOne() {
		List<String> beanMethods = new ArrayList<>();
		List<String> withoutConditionalOnMissingBean = new ArrayList<>();
		List<Class<?>> configurations = new ArrayList<>();
		for (Class<?> autoConfiguration : List.of(TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class, TierCacheSpringCacheAutoConfiguration.class,
				TierCacheActuatorAutoConfiguration.class)) {
			configurations.add(autoConfiguration);
			Import imports = autoConfiguration.getAnnotation(Import.class);
			if (imports != null) {
				configurations.addAll(List.of(imports.value()));
			}
		}
		for (Class<?> configuration : List.copyOf(configurations)) {
			for (Class<?> nested : configuration.getDeclaredClasses()) {
				if (nested.isAnnotationPresent(Configuration.class)) {
					configurations.add(nested);
				}
			}
		}
		for (Class<?> configuration : configurations) {
			ReflectionUtils.doWithLocalMethods(configuration, (method) -> {
				if (method.isAnnotationPresent(Bean.class)) {
					beanMethods.add(method.getName());
					if (!method.isAnnotationPresent(ConditionalOnMissingBean.class)) {
						withoutConditionalOnMissingBean.add(method.getName());
					}
				}
			});
		}
		assertThat(beanMethods).contains("tierCacheValueCodec", "tierCacheErrorHandler", "tierCacheStore",
				"tierCacheInvalidationSubscriber", "tierCacheAdvisor", "tierCacheMetrics", "tierCacheFanoutMeters",
				"tierCacheTemplate", "cacheManager", "tierCacheEndpoint", "tiercacheHealthIndicator", "tierCacheOutbox",
				"tierCacheOutboxRelay", "tierCacheTransactionalInvalidationPostProcessor",
				"tierCacheOutboxSchemaInitializer", "tierCacheOutboxMeters");
		assertThat(withoutConditionalOnMissingBean).isEmpty();
	}

	@Test
	void failsAtStartupNamingThePropertyWhenEnabledIsNeitherTrueNorFalse() {
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withPropertyValues("tiercache.enabled=maybe")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new TierCacheFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("Invalid tiercache.enabled: 'maybe'");
				assertThat(analysis.getAction()).contains("tiercache.enabled=true", "tiercache.enabled=false");
			});
	}

	@Test
	void acceptsEnabledInAnyCase() {
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withPropertyValues("tiercache.enabled=TRUE")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(TieredStore.class);
			});
	}

	@Test
	void failsAtStartupNamingTheOtherSwitchesWhenTheyAreNeitherTrueNorFalse() {
		for (String property : List.of("tiercache.spring-cache.enabled", "tiercache.outbox.enabled",
				"tiercache.caches.squares.enabled")) {
			this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
				.withPropertyValues(property + "=maybe")
				.run((context) -> assertFailureMentions(context, property));
		}
	}

	@Test
	void definesNoBeanAndLeavesMethodsUncachedWhenDisabled() {
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withPropertyValues("tiercache.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertNoTierCacheBeans(context);
				assertThat(context).doesNotHaveBean(TierCacheProperties.class);
				SquaresService service = context.getBean(SquaresService.class);
				assertThat(AopUtils.isAopProxy(service)).isFalse();
				assertThat(service.square(3)).isEqualTo(9);
				assertThat(service.square(3)).isEqualTo(9);
				assertThat(service.invocations()).isEqualTo(2);
			});
	}

	@Test
	void definesNoBeanWhenSpringDataRedisIsNotOnTheClasspath() {
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertNoTierCacheBeans(context);
				assertThat(context).doesNotHaveBean(TierCacheProperties.class);
			});
	}

	@Test
	void definesNoBeanWithoutRedisConnectionFactory() {
		// DataRedisAutoConfiguration backs off without RedisOperations;
		// RedisConnectionFactory itself stays on the classpath
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withBean(SimpleMeterRegistry.class)
			.withClassLoader(new FilteredClassLoader(RedisOperations.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RedisConnectionFactory.class);
				assertNoTierCacheBeans(context);
			});
	}

	@Test
	void definesNoMetricsWhenMicrometerIsNotOnTheClasspath() {
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(TieredStore.class)
					.doesNotHaveBean(MicrometerStoreObserver.class)
					.doesNotHaveBean(StoreObserver.class);
				assertThat(context.getBean(SquaresService.class).square(3)).isEqualTo(9);
			});
	}

	@Test
	void recordsStandardCacheMetersWhenMeterRegistryIsDefined() {
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(MicrometerStoreObserver.class);
				SquaresService service = context.getBean(SquaresService.class);
				service.square(3);
				service.square(3);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("cache.gets")
					.tags("cache", "squares", "cache.manager", "tiercache", "result", "miss")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("cache.gets")
					.tags("cache", "squares", "cache.manager", "tiercache", "result", "hit")
					.functionCounter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void failsAtStartupNamingTheFixWhenTheConnectionFactoryIsNotLettuce() {
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class)
			.withBean("redisConnectionFactory", RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.run((context) -> {
				assertFailureMentions(context, "tiercache needs Lettuce");
				FailureAnalysis analysis = new TierCacheFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("tiercache needs Lettuce", "RedisConnectionFactory");
				assertThat(analysis.getAction()).contains("spring.data.redis.client-type=lettuce",
						"tiercache.enabled=false");
			});
	}

	@Test
	void reportsFailuresToTheApplicationsErrorHandler() {
		RecordingErrorHandler handler = new RecordingErrorHandler();
		this.contextRunner.withUserConfiguration(UnserializableConfiguration.class)
			.withBean(StoreErrorHandler.class, () -> handler)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean(StoreErrorHandler.class).isSameAs(handler);
				assertThat(context).doesNotHaveBean(LoggingStoreErrorHandler.class);
				UnserializableService service = context.getBean(UnserializableService.class);
				assertThat(service.find(1).id()).isEqualTo(1);
				assertThat(handler.failures).containsExactly("unserializable:ENCODE");
			});
	}

	@Test
	void failsWithPropertyNameWhenDefaultJitterIsInvalid() {
		this.contextRunner.withPropertyValues("tiercache.default-jitter=abc")
			.run((context) -> assertFailureMentions(context, "tiercache.default-jitter", "'abc'"));
	}

	@Test
	void failsWithPropertyNameWhenPerCacheJitterIsInvalid() {
		this.contextRunner.withUserConfiguration(ProductsConfiguration.class)
			.withPropertyValues("tiercache.caches.products.jitter=200%")
			.run((context) -> assertFailureMentions(context, "tiercache.caches.products.jitter", "'200%'"));
	}

	@Test
	void failsWithPropertyNameWhenPerCacheTtlExceedsMaxTtl() {
		this.contextRunner.withUserConfiguration(ProductsConfiguration.class)
			.withPropertyValues("tiercache.max-ttl=1d", "tiercache.caches.products.ttl=2d")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessage("Invalid tiercache.caches.products: ttl PT48H exceeds tiercache.max-ttl PT24H"
							+ " (ttl from tiercache.caches.products.ttl)");
			});
	}

	@Test
	void failsAtStartupForAnInvalidPerCacheSettingEvenWithoutAMethodOfThatCache() {
		this.contextRunner.withPropertyValues("tiercache.caches.unused.null-ttl=-5s")
			.run((context) -> assertFailureMentions(context,
					"Invalid tiercache.caches.unused: nullTtl PT-5S must not be negative"));
	}

	@Test
	void failsWithMethodNameWhenAnnotationTtlIsInvalid() {
		this.contextRunner.withBean(BananaService.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(BananaService.class.getName() + ".find(long)")
				.hasMessageContaining("ttl 'banana' is not a duration");
		});
	}

	@Test
	void cachesAndInvalidatesThroughTheAutoConfiguredAdvisor() {
		this.contextRunner.withUserConfiguration(SquaresConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			SquaresService service = context.getBean(SquaresService.class);
			assertThat(AopUtils.isAopProxy(service)).isTrue();
			assertThat(service.square(4)).isEqualTo(16);
			assertThat(service.square(4)).isEqualTo(16);
			assertThat(service.invocations()).as("invocations after two calls").isEqualTo(1);
			assertThat(service.square(5)).isEqualTo(25);
			assertThat(service.invocations()).isEqualTo(2);
			service.touch(4);
			assertThat(service.square(4)).isEqualTo(16);
			assertThat(service.invocations()).as("invocations after invalidating n:4").isEqualTo(3);
			assertThat(service.square(5)).isEqualTo(25);
			assertThat(service.invocations()).as("n:5 is still cached").isEqualTo(3);
		});
	}

	private static CacheSettings settings(AssertableApplicationContext context, Class<?> type, String name,
			Class<?>... parameterTypes) {
		Method method = ReflectionUtils.findMethod(type, name, parameterTypes);
		assertThat(method).as("method %s", name).isNotNull();
		CachedOperation operation = context.getBean(TierCacheOperationSource.class).getCachedOperation(method, type);
		assertThat(operation).as("operation of %s", method).isNotNull();
		return operation.settings();
	}

	private static void assertNoTierCacheBeans(AssertableApplicationContext context) {
		List<String> defined = new ArrayList<>();
		for (Class<?> type : TIERCACHE_BEAN_TYPES) {
			for (String name : context.getBeanNamesForType(type)) {
				defined.add(name + " (" + type.getSimpleName() + ")");
			}
		}
		assertThat(defined).as("tiercache beans").isEmpty();
	}

	private static void assertFailureMentions(AssertableApplicationContext context, String... texts) {
		assertThat(context).hasFailed();
		List<String> messages = new ArrayList<>();
		for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
			messages.add(String.valueOf(cause.getMessage()));
		}
		assertThat(messages).as("messages of the startup failure and its causes")
			.anySatisfy((message) -> assertThat(message).contains(texts));
	}

	@Configuration(proxyBeanMethods = false)
	static class SquaresConfiguration {

		@Bean
		SquaresService squaresService() {
			return new SquaresService();
		}

	}

	// Public: a FilteredClassLoader defines the proxy class, which cannot extend a
	// package-private class loaded by another loader
	public static class SquaresService {

		private final AtomicInteger invocations = new AtomicInteger();

		@Cached(name = "squares", tags = "'n:' + #n")
		public long square(long n) {
			this.invocations.incrementAndGet();
			return n * n;
		}

		@InvalidatesTags("'n:' + #n")
		public void touch(long n) {
		}

		// A CGLIB proxy has fields of its own, never initialized: read through the target
		public int invocations() {
			return this.invocations.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProductsConfiguration {

		@Bean
		ProductsService productsService() {
			return new ProductsService();
		}

	}

	public static class ProductsService {

		private final AtomicInteger invocations = new AtomicInteger();

		@Cached(name = "products", ttl = "10m")
		public String find(long id) {
			this.invocations.incrementAndGet();
			return "product-" + id;
		}

		@Cached
		public String findName(long id) {
			return "name-" + id;
		}

		public int invocations() {
			return this.invocations.get();
		}

	}

	public static class BananaService {

		@Cached(ttl = "banana")
		public String find(long id) {
			return "banana";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnserializableConfiguration {

		@Bean
		UnserializableService unserializableService() {
			return new UnserializableService();
		}

	}

	public static class UnserializableService {

		@Cached(name = "unserializable")
		public Unserializable find(long id) {
			return new Unserializable(id);
		}

	}

	/** A value whose JSON cannot be written: its only property throws. */
	public record Unserializable(long id) {

		public String getBroken() {
			throw new IllegalStateException("not serializable");
		}

	}

	static class RecordingErrorHandler implements StoreErrorHandler {

		final List<String> failures = new CopyOnWriteArrayList<>();

		@Override
		public void handleRedisError(String operation, RuntimeException ex) {
			this.failures.add("redis:" + operation);
		}

		@Override
		public void handleCacheError(String cacheName, CacheFailure failure, Throwable ex) {
			this.failures.add(cacheName + ":" + failure);
		}

		@Override
		public void handleExpressionError(String source, String attribute, String expression,
				ExpressionConsequence consequence, RuntimeException ex) {
			this.failures.add(source + ":" + attribute);
		}

	}

	static class CountingValueCodec implements ValueCodec {

		final AtomicInteger bindings = new AtomicInteger();

		private final ValueCodec delegate = new JacksonValueCodec(JsonMapper.builder().build());

		@Override
		public Bound bind(Type type) {
			this.bindings.incrementAndGet();
			return this.delegate.bind(type);
		}

	}

}
