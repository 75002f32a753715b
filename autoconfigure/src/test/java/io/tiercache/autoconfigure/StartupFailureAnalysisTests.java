package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.tiercache.annotation.Cached;
import io.tiercache.interceptor.TierCacheDefaults;
import io.tiercache.interceptor.TierCacheOperationSource;
import io.tiercache.store.Jitter;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.mockito.Mockito.mock;

/**
 * Every kind of careless annotation or property fails a real {@link SpringApplication} at
 * startup with Spring Boot's failure report: {@code APPLICATION FAILED TO START}, a
 * description naming the method or the property, and the action that fixes it, as
 * {@link TierCacheFailureAnalyzer} (registered in {@code spring.factories}) gives them.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureAnalysisTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	static Stream<Arguments> failures() {
		String services = StartupFailureAnalysisTests.class.getName() + "$";
		return Stream.of(
				failure("an attribute that is not a duration", BadTtlService.class,
						"Invalid @Cached on " + services
								+ "BadTtlService.find(long): ttl '10 minutes' is not a duration",
						"Write ttl, nullTtl and staleWhileRevalidate as durations such as \"10m\""),
				failure("an expression naming no parameter", MisspeltKeyService.class,
						"Invalid @Cached on " + services
								+ "MisspeltKeyService.find(long): key expression '#idd' uses #idd",
						"Refer to an argument as one of #id, or as #p0, #p1"),
				failure("a key parameter that cannot be rendered", OpaqueKeyService.class,
						"Invalid @Cached on " + services
								+ "OpaqueKeyService.find(Query): parameter #query cannot be part",
						"Make its type a record of value types, or say what identifies it with a key expression, "
								+ "such as key = \"#query.id\""),
				failure("a method a proxy cannot intercept", FinalMethodService.class,
						"Invalid @Cached on " + services + "FinalMethodService.find(long): the method is final",
						"Make the method not final and call it through the bean, or remove @Cached."),
				failure("two methods of one cache returning other types", SharedNameService.class,
						"cache 'shared' returns java.lang.",
						"Give the two methods distinct cache names with @Cached(name = ...), or make them return the "
								+ "same type."),
				failure("a property in conflict with the method's own ttl", QuotesService.class,
						"Invalid @Cached on " + services + "QuotesService.quote(long) of cache 'quotes': jitter PT20M "
								+ "exceeds its ttl PT10M (jitter from tiercache.caches.quotes.jitter, ttl from "
								+ "@Cached(ttl = \"10m\"))",
						"Change jitter (from tiercache.caches.quotes.jitter) or ttl (from @Cached(ttl = \"10m\")) so that "
								+ "jitter is at most ttl",
						"tiercache.caches.quotes.jitter=20m"),
				failure("a customizer breaking a method's settings", CustomizedQuotesConfiguration.class,
						"Invalid @Cached on " + services + "QuotesService.quote(long) of cache 'quotes': ttl PT720H "
								+ "exceeds tiercache.max-ttl PT24H (ttl from a TierCacheCustomizer)",
						"Change ttl (from a TierCacheCustomizer) or tiercache.max-ttl so that ttl is at most "
								+ "tiercache.max-ttl (PT24H)."),
				failure("a customizer returning null", NullCustomizerConfiguration.class,
						"QuotesService.quote(long) of cache 'quotes': TierCacheCustomizer ",
						"so that it returns settings of that cache, never null."),
				failure("a Redis connection that is not Lettuce's", NotLettuceConfiguration.class,
						"tiercache needs Lettuce", "spring.data.redis.client-type=lettuce"),
				failure("an application name that cannot be a namespace", QuotesService.class,
						"spring.application.name 'orders-{eu}'", "Set tiercache.namespace",
						"spring.application.name=orders-{eu}"),
				failure("a property out of range", QuotesService.class,
						"Invalid tiercache.local.max-ttl: 'PT0S' must be positive",
						"Set tiercache.local.max-ttl to a positive duration, such as 500ms or 5s, or remove it to use "
								+ "its default.",
						"tiercache.local.max-ttl=0s"),
				failure("a property out of range with the application's own operation source",
						OwnOperationSourceConfiguration.class,
						"Invalid tiercache.local.max-ttl: 'PT0S' must be positive",
						"Set tiercache.local.max-ttl to a positive duration", "tiercache.local.max-ttl=0s"),
				failure("a per-cache property no method could use", QuotesService.class,
						"Invalid tiercache.caches.prices: ttl PT0S must be greater than zero (ttl from "
								+ "tiercache.caches.prices.ttl)",
						"Change ttl (from tiercache.caches.prices.ttl) so that ttl is positive.",
						"tiercache.caches.prices.ttl=0s"),
				failure("a per-cache property in conflict with the defaults of a cache no method declares",
						QuotesService.class,
						"Invalid tiercache.caches.reports: jitter PT2H exceeds its ttl PT1H (jitter from "
								+ "tiercache.caches.reports.jitter, ttl from tiercache.default-ttl)",
						"Change jitter (from tiercache.caches.reports.jitter) or ttl (from tiercache.default-ttl) so "
								+ "that jitter is at most ttl",
						"tiercache.caches.reports.jitter=2h"),
				failure("a jitter property that is not a jitter", QuotesService.class,
						"Invalid tiercache.default-jitter: jitter 'lots' is not a duration",
						"Set tiercache.default-jitter to a duration such as 30s, or a percentage of the ttl from 0% "
								+ "to 100%, such as 10%.",
						"tiercache.default-jitter=lots"),
				failure("a switch that is neither true nor false", QuotesService.class,
						"Invalid tiercache.enabled: 'maybe' is neither true nor false",
						"Set tiercache.enabled=true to cache", "tiercache.enabled=maybe"),
				failure("a trusted package of the Spring Cache bridge that is a pattern", QuotesService.class,
						"Invalid tiercache.spring-cache.trusted-packages: 'com.acme.*' is not a package name",
						"List package names in tiercache.spring-cache.trusted-packages, such as com.acme",
						"tiercache.spring-cache.enabled=true", "tiercache.spring-cache.trusted-packages=com.acme.*"),
				failure("a bridge cache's value type outside the trusted packages", QuotesService.class,
						"Invalid tiercache.spring-cache.value-types.books: " + Query.class.getName()
								+ " is in none of the trusted packages",
						"Add io.tiercache.autoconfigure to tiercache.spring-cache.trusted-packages, or correct "
								+ "tiercache.spring-cache.value-types.books.",
						"tiercache.spring-cache.enabled=true", "tiercache.spring-cache.trusted-packages=com.acme",
						"tiercache.spring-cache.value-types.books=" + Query.class.getName()),
				failure("an outbox platform without a script", QuotesService.class,
						"Invalid tiercache.outbox.platform: tiercache.outbox.initialize-schema says to create the "
								+ "outbox table, but tiercache has no outbox script for its platform: "
								+ "classpath:io/tiercache/outbox/schema-oracle.sql",
						"Set tiercache.outbox.platform to the one of postgresql, mysql, h2 whose script the database "
								+ "accepts, or set tiercache.outbox.initialize-schema=never",
						"tiercache.outbox.enabled=true", "tiercache.outbox.platform=oracle",
						"spring.datasource.url=jdbc:h2:mem:startup-failure-analysis"));
	}

	private static Arguments failure(String kind, Class<?> source, String description, String action,
			String... properties) {
		return Arguments.of(kind, source, description, action, properties);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("failures")
	void failsAtStartupWithBootsReportNamingWhatIsWrongAndTheFix(String kind, Class<?> source, String description,
			String action, String[] properties, CapturedOutput output) {
		SpringApplication application = new SpringApplication(TierCacheApplication.class, source);
		application.setWebApplicationType(WebApplicationType.NONE);
		List<String> args = new ArrayList<>(List.of("--spring.data.redis.host=" + redis.host(),
				"--spring.data.redis.port=" + redis.port(), "--spring.main.banner-mode=off"));
		for (String property : properties) {
			args.add("--" + property);
		}
		assertThatException().isThrownBy(() -> application.run(args.toArray(String[]::new)).close());
		String printed = output.getAll();
		assertThat(printed).as("the failure report").contains("APPLICATION FAILED TO START");
		String report = printed.substring(printed.lastIndexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains("Description:", "Action:");
		String described = report.substring(report.indexOf("Description:"), report.indexOf("Action:"));
		assertThat(described).contains(description);
		assertThat(report.substring(report.indexOf("Action:"))).contains(action);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
			JacksonAutoConfiguration.class, DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			TierCacheAutoConfiguration.class, TierCacheSpringCacheAutoConfiguration.class })
	static class TierCacheApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizedQuotesConfiguration {

		@Bean
		QuotesService quotesService() {
			return new QuotesService();
		}

		@Bean
		TierCacheCustomizer aMonth() {
			return (settings) -> settings.withTtl(Duration.ofDays(30));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NullCustomizerConfiguration {

		@Bean
		QuotesService quotesService() {
			return new QuotesService();
		}

		@Bean
		TierCacheCustomizer forgetful() {
			return (settings) -> null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NotLettuceConfiguration {

		@Bean
		RedisConnectionFactory redisConnectionFactory() {
			return mock(RedisConnectionFactory.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnOperationSourceConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static TierCacheOperationSource tierCacheOperationSource() {
			return new TierCacheOperationSource(
					new TierCacheDefaults(Duration.ofMinutes(10), Jitter.NONE, Duration.ofHours(1)));
		}

	}

	public static class BadTtlService {

		@Cached(ttl = "10 minutes")
		public String find(long id) {
			return "product";
		}

	}

	public static class MisspeltKeyService {

		@Cached(key = "#idd")
		public String find(long id) {
			return "product";
		}

	}

	/** A key whose {@code equals} nothing can render: no record, no value type. */
	public static final class Query {

		private final long id;

		Query(long id) {
			this.id = id;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Query query && query.id == this.id;
		}

		@Override
		public int hashCode() {
			return Long.hashCode(this.id);
		}

	}

	public static class OpaqueKeyService {

		@Cached
		public String find(Query query) {
			return "product";
		}

	}

	public static class FinalMethodService {

		@Cached
		public final String find(long id) {
			return "product";
		}

	}

	public static class SharedNameService {

		@Cached(name = "shared")
		public String find(long id) {
			return "product";
		}

		@Cached(name = "shared")
		public Integer count(long id) {
			return 1;
		}

	}

	public static class QuotesService {

		@Cached(name = "quotes", ttl = "10m")
		public long quote(long id) {
			return id;
		}

	}

}
