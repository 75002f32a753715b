package io.tiercache.autoconfigure;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.tiercache.annotation.Cached;
import io.tiercache.cache.TierCacheOperations;
import io.tiercache.cache.TierCacheTemplate;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import io.tiercache.store.StoreOptions;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Programmatic configuration: {@link TierCacheCustomizer}s, the
 * {@link TierCacheOperations} bean, and the startup checks of every property.
 */
class TierCacheConfigurationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class))
		.withPropertyValues(redis.springProperties());

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void customizersApplyInOrderAfterProperties() {
		this.contextRunner.withUserConfiguration(CustomizersConfiguration.class, PricesService.Configuration.class)
			.withPropertyValues("tiercache.caches.prices.ttl=10m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CacheSettings settings = settingsOf(context, "prices");
				// 10m from the property, doubled by the first customizer, plus 1m by the
				// second
				assertThat(settings.ttl()).isEqualTo(Duration.ofMinutes(21));
				assertThat(settings.local()).isFalse();
				TierCacheOperations operations = context.getBean(TierCacheOperations.class);
				operations.get("programmatic", 1, String.class, () -> "x");
				assertThat(context.getBean(TieredStore.class).caches().get("programmatic").settings().ttl())
					.as("defaults, then customizers")
					.isEqualTo(Duration.ofMinutes(121));
			});
	}

	@Test
	void aCustomizerProducingInvalidSettingsFailsStartupNamingTheMethod() {
		this.contextRunner.withUserConfiguration(PricesService.Configuration.class)
			.withBean(TierCacheCustomizer.class, () -> (settings) -> settings.withTtl(Duration.ofDays(30)))
			.run((context) -> assertFailureMentions(context, "PricesService.price(long)", "exceeds tiercache.max-ttl"));
	}

	@Test
	void theProgrammaticApiRefusesSettingsAsAnAnnotatedMethodIsRefused() {
		// The default ttl, 1h, plus this window exceeds tiercache.max-ttl
		ApplicationContextRunner runner = this.contextRunner.withPropertyValues("tiercache.max-ttl=1h")
			.withBean(TierCacheCustomizer.class,
					() -> (settings) -> settings.withStaleWhileRevalidate(Duration.ofMinutes(30)));
		String problem = "ttl PT1H plus staleWhileRevalidate PT30M exceeds tiercache.max-ttl PT1H";
		runner.withUserConfiguration(PricesService.Configuration.class)
			.run((context) -> assertFailureMentions(context, "Invalid @Cached on " + PricesService.class.getName()
					+ ".price(long) of cache 'prices': " + problem));
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			TierCacheOperations operations = context.getBean(TierCacheOperations.class);
			assertThatIllegalStateException()
				.isThrownBy(() -> operations.get("reports", 1, String.class, () -> "report"))
				.withMessage("Invalid settings of cache 'reports': " + problem);
			assertThat(context.getBean(TieredStore.class).caches()).doesNotContainKey("reports");
		});
	}

	@Test
	void aPerCacheStaleWhileRevalidateBeyondMaxTtlFailsStartupForACacheOnlyCodeUses() {
		// No method declares the cache: only the programmatic API would use it
		this.contextRunner
			.withPropertyValues("tiercache.max-ttl=1h", "tiercache.caches.reports.stale-while-revalidate=30m")
			.run((context) -> assertFailureMentions(context, "Invalid tiercache.caches.reports: "
					+ "ttl PT1H plus staleWhileRevalidate PT30M exceeds tiercache.max-ttl PT1H"));
	}

	@Test
	void aPerCacheJitterAboveTheMethodsTtlFailsNamingTheMethodAndTheProperty() {
		// Valid over the default ttl (1h), so only the method's own ttl shows the problem
		this.contextRunner.withUserConfiguration(QuotesConfiguration.class)
			.withPropertyValues("tiercache.caches.quotes.jitter=20m")
			.run((context) -> assertFailureMentions(context,
					"Invalid @Cached on " + QuotesService.class.getName() + ".quote(long) of cache 'quotes': "
							+ "jitter PT20M exceeds its ttl PT10M (jitter from tiercache.caches.quotes.jitter, "
							+ "ttl from @Cached(ttl = \"10m\"))"));
	}

	@Test
	void aPerCacheJitterAboveTheDefaultTtlStartsWhenTheMethodsOwnTtlAllowsIt() {
		// 90m exceeds the default ttl (1h), not the method's own 2h
		this.contextRunner.withUserConfiguration(ForecastsConfiguration.class)
			.withPropertyValues("tiercache.caches.forecasts.jitter=90m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ForecastsService service = context.getBean(ForecastsService.class);
				assertThat(service.forecast(1)).isEqualTo(1);
				CacheSettings settings = context.getBean(TieredStore.class).caches().get("forecasts").settings();
				assertThat(settings.ttl()).isEqualTo(Duration.ofHours(2));
				assertThat(settings.jitter()).isEqualTo(Jitter.of(Duration.ofMinutes(90)));
			});
	}

	@Test
	void aPerCacheJitterAboveTheMethodsOwnTtlStillFailsNamingTheMethodAndTheProperty() {
		this.contextRunner.withBean(ShortForecastsService.class)
			.withPropertyValues("tiercache.caches.forecasts.jitter=90m")
			.run((context) -> assertFailureMentions(context,
					"Invalid @Cached on " + ShortForecastsService.class.getName() + ".forecast(long) of cache "
							+ "'forecasts': jitter PT1H30M exceeds its ttl PT1H (jitter from "
							+ "tiercache.caches.forecasts.jitter, ttl from @Cached(ttl = \"1h\"))"));
	}

	@Test
	void theOwnTtlOfALazyBeansMethodCountsForItsCacheAtStartup() {
		// Not created at startup: its cache is still declared by its method, not the
		// defaults
		this.contextRunner
			.withBean(ForecastsService.class, ForecastsService::new, (definition) -> definition.setLazyInit(true))
			.withPropertyValues("tiercache.caches.forecasts.jitter=90m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ForecastsService.class).forecast(1)).isEqualTo(1);
			});
	}

	@Test
	void aPerCacheStaleWhileRevalidateBeyondMaxTtlFailsNamingTheMethodAndTheProperties() {
		// Valid over the default ttl (1h), so only the method's own ttl shows the problem
		this.contextRunner.withUserConfiguration(QuotesConfiguration.class)
			.withPropertyValues("tiercache.caches.history.stale-while-revalidate=5h")
			.run((context) -> assertFailureMentions(context,
					"Invalid @Cached on " + QuotesService.class.getName() + ".history(long) of cache 'history': "
							+ "ttl PT20H plus staleWhileRevalidate PT5H exceeds tiercache.max-ttl PT24H "
							+ "(ttl from @Cached(ttl = \"20h\"), staleWhileRevalidate from "
							+ "tiercache.caches.history.stale-while-revalidate)"));
	}

	@Test
	void aCustomizerBreakingASettingIsNamedAsTheOrigin() {
		this.contextRunner.withUserConfiguration(QuotesConfiguration.class)
			.withBean(TierCacheCustomizer.class, () -> (settings) -> settings.withTtl(Duration.ofDays(30)))
			.run((context) -> assertFailureMentions(context, "quote(long) of cache 'quotes': ttl PT720H exceeds "
					+ "tiercache.max-ttl PT24H (ttl from a TierCacheCustomizer)"));
	}

	@Test
	void aPerCacheJitterAboveTheDefaultTtlFailsNamingBothProperties() {
		this.contextRunner.withPropertyValues("tiercache.caches.reports.jitter=2h")
			.run((context) -> assertFailureMentions(context, "Invalid tiercache.caches.reports: jitter PT2H exceeds "
					+ "its ttl PT1H (jitter from tiercache.caches.reports.jitter, ttl from tiercache.default-ttl)"));
	}

	@Test
	void definesTheTemplateUnlessTheApplicationDefinesOperations() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(TierCacheTemplate.class));
		TierCacheOperations own = (TierCacheOperations) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { TierCacheOperations.class }, (proxy, method, args) -> null);
		this.contextRunner.withBean(TierCacheOperations.class, () -> own)
			.run((context) -> assertThat(context).getBean(TierCacheOperations.class).isSameAs(own));
	}

	@Test
	void theTemplateClearsAnAnnotatedCacheOnEveryInstance() {
		ApplicationContextRunner runner = this.contextRunner.withUserConfiguration(PricesService.Configuration.class);
		runner.run((first) -> runner.run((second) -> {
			PricesService a = first.getBean(PricesService.class);
			PricesService b = second.getBean(PricesService.class);
			a.price(1);
			b.price(1);
			b.price(1);
			assertThat(a.invocations() + b.invocations()).isEqualTo(1);
			first.getBean(TierCacheOperations.class).clear("prices");
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				b.price(1);
				assertThat(a.invocations() + b.invocations()).isEqualTo(2);
			});
		}));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					tiercache.max-ttl=0s                               | tiercache.max-ttl
					tiercache.default-ttl=-1s                          | tiercache.default-ttl and tiercache.default-jitter: ttl PT-1S must be greater than zero
					tiercache.default-ttl=2d                           | tiercache.default-ttl and tiercache.default-jitter: ttl PT48H exceeds tiercache.max-ttl PT24H
					tiercache.default-jitter=2h                        | tiercache.default-ttl and tiercache.default-jitter: jitter PT2H exceeds its ttl PT1H
					tiercache.namespace=                               | tiercache.namespace
					tiercache.local.maximum-size=-1                    | tiercache.local.maximum-size
					tiercache.local.max-ttl=0s                         | tiercache.local.max-ttl
					tiercache.redis.key-prefix=                        | tiercache.redis.key-prefix
					tiercache.redis.key-prefix=tc}x                    | tiercache.redis.key-prefix: 'tc}x' must not contain '{' or '}'
					tiercache.namespace={v2                            | tiercache.namespace: '{v2' must not contain '{' or '}'
					tiercache.redis.command-timeout=0ms                | tiercache.redis.command-timeout
					tiercache.redis.breaker.failure-threshold=0        | tiercache.redis.breaker.failure-threshold
					tiercache.redis.breaker.open-duration=-1s          | tiercache.redis.breaker.open-duration
					tiercache.fanout.check-interval=0s                 | tiercache.fanout.check-interval
					tiercache.fanout.subscribe-timeout=0s              | tiercache.fanout.subscribe-timeout
					tiercache.caches.prices.ttl=0s                     | tiercache.caches.prices: ttl PT0S must be greater than zero
					tiercache.caches.prices.jitter=abc                 | tiercache.caches.prices.jitter
					tiercache.caches.prices.null-ttl=-1s               | tiercache.caches.prices: nullTtl PT-1S must not be negative
					tiercache.caches.prices.stale-while-revalidate=-1s | tiercache.caches.prices: staleWhileRevalidate PT-1S must not be negative
					tiercache.caches.prices.stale-while-revalidate=1d  | tiercache.caches.prices: ttl PT1H plus staleWhileRevalidate PT24H exceeds tiercache.max-ttl PT24H
					tiercache.fanout.check-interval=soon               | tiercache.fanout.check-interval
					tiercache.outbox.table-name=1OUTBOX                | tiercache.outbox.table-name
					tiercache.outbox.relay-delay=0s                    | tiercache.outbox.relay-delay
					tiercache.outbox.poll-interval=0s                  | tiercache.outbox.poll-interval
					tiercache.outbox.retention=-1h                     | tiercache.outbox.retention
					tiercache.local.max-unconfirmed=0s                 | tiercache.local.max-unconfirmed
					tiercache.local.max-unconfirmed=500ms              | tiercache.local.max-unconfirmed: 'PT0.5S' must be longer than tiercache.fanout.check-interval (PT0.5S)
					tiercache.fanout.check-interval=2s                 | tiercache.local.max-unconfirmed: 'PT1S' must be longer than tiercache.fanout.check-interval (PT2S)
					tiercache.redis.replica-acks=-1                    | tiercache.redis.replica-acks: '-1' must be zero (do not wait) or more
					tiercache.redis.replica-ack-timeout=-1ms           | tiercache.redis.replica-ack-timeout: 'PT-0.001S' must be positive
					""")
	void anInvalidPropertyFailsStartupNamingIt(String property, String message) {
		this.contextRunner.withUserConfiguration(PricesService.Configuration.class)
			.withPropertyValues(property)
			.run((context) -> assertFailureMentions(context, message));
	}

	@Test
	void aReplicaAckTimeoutOfZeroFailsStartupSayingWhatToSet() {
		this.contextRunner.withUserConfiguration(PricesService.Configuration.class)
			.withPropertyValues("tiercache.redis.replica-acks=1", "tiercache.redis.replica-ack-timeout=0ms")
			.run((context) -> {
				assertFailureMentions(context, "Invalid tiercache.redis.replica-ack-timeout: 'PT0S' must be positive "
						+ "when tiercache.redis.replica-acks is 1");
				FailureAnalysis analysis = new TierCacheFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("tiercache.redis.replica-ack-timeout");
				assertThat(analysis.getAction()).contains("tiercache.redis.replica-ack-timeout", "100ms",
						"tiercache.redis.replica-acks to 0");
			});
	}

	@Test
	void replicaAcksReachTheStore() {
		this.contextRunner.withUserConfiguration(PricesService.Configuration.class)
			.withPropertyValues("tiercache.redis.replica-acks=2", "tiercache.redis.replica-ack-timeout=250ms")
			.run((context) -> {
				StoreOptions options = context.getBean(TieredStore.class).options();
				assertThat(options.replicaAcks()).isEqualTo(2);
				assertThat(options.replicaAckTimeout()).isEqualTo(Duration.ofMillis(250));
			});
	}

	private static CacheSettings settingsOf(AssertableApplicationContext context, String cache) {
		PricesService service = context.getBean(PricesService.class);
		service.price(1);
		return context.getBean(TieredStore.class).caches().get(cache).settings();
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
	static class CustomizersConfiguration {

		@Bean
		@Order(2)
		TierCacheCustomizer plusOneMinute() {
			return (settings) -> settings.withTtl(settings.ttl().plusMinutes(1));
		}

		@Bean
		@Order(1)
		TierCacheCustomizer doubleAndNoLocalTierForPrices() {
			return (settings) -> {
				CacheSettings doubled = settings.withTtl(settings.ttl().multipliedBy(2));
				return settings.name().equals("prices") ? doubled.withLocal(false) : doubled;
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QuotesConfiguration {

		@Bean
		QuotesService quotesService() {
			return new QuotesService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ForecastsConfiguration {

		@Bean
		ForecastsService forecastsService() {
			return new ForecastsService();
		}

	}

	public static class ForecastsService {

		@Cached(name = "forecasts", ttl = "2h")
		public long forecast(long id) {
			return id;
		}

	}

	public static class ShortForecastsService {

		@Cached(name = "forecasts", ttl = "1h")
		public long forecast(long id) {
			return id;
		}

	}

	public static class QuotesService {

		@Cached(name = "quotes", ttl = "10m")
		public long quote(long id) {
			return id;
		}

		@Cached(name = "history", ttl = "20h")
		public long history(long id) {
			return id;
		}

	}

}
