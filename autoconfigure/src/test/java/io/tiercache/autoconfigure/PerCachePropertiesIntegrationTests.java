package io.tiercache.autoconfigure;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.tiercache.annotation.Cached;
import io.tiercache.interceptor.CachedOperation;
import io.tiercache.interceptor.TierCacheOperationSource;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tiercache.caches.<name>.*} of caches whose names have dots in them, as every
 * default name, {@code SimpleClassName.method}, does: the dotted form reaches the cache
 * as the bracketed form does, from properties and YAML alike, and an entry that reaches
 * no cache is a warning naming its property.
 */
@ExtendWith(OutputCaptureExtension.class)
class PerCachePropertiesIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withUserConfiguration(PricesConfiguration.class);

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void theDottedFormOfADefaultNameReachesItsCache() {
		this.contextRunner
			.withPropertyValues("tiercache.caches.PriceService.quote.ttl=2m",
					"tiercache.caches.PriceService.quote.jitter=10s", "tiercache.caches.PriceService.quote.local=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(settings(context, "quote")).isEqualTo(new CacheSettings("PriceService.quote",
						Duration.ofMinutes(2), Jitter.of(Duration.ofSeconds(10)), null, false, true));
				assertThat(settings(context, "history").ttl()).as("another cache of the class")
					.isEqualTo(Duration.ofHours(1));
			});
	}

	@Test
	void yamlKeysWithADotAndNestedYamlKeysReachTheCache() {
		String yaml = """
				tiercache:
				  caches:
				    PriceService.quote:
				      ttl: 2m
				    PriceService:
				      history:
				        ttl: 3m
				""";
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(yaml(yaml)))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(settings(context, "quote").ttl()).isEqualTo(Duration.ofMinutes(2));
				assertThat(settings(context, "history").ttl()).isEqualTo(Duration.ofMinutes(3));
			});
	}

	@Test
	void theBracketedFormStillWorksAndWinsOverTheDottedOne() {
		this.contextRunner
			.withPropertyValues("tiercache.caches[PriceService.quote].ttl=4m",
					"tiercache.caches.PriceService.quote.ttl=2m", "tiercache.caches[PriceService.history].ttl=5m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(settings(context, "quote").ttl()).isEqualTo(Duration.ofMinutes(4));
				assertThat(settings(context, "history").ttl()).isEqualTo(Duration.ofMinutes(5));
			});
	}

	@Test
	void aFailureOfADottedEntryNamesItsProperty() {
		this.contextRunner.withPropertyValues("tiercache.caches.PriceService.quote.jitter=2h").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("PriceService.quote")
				.hasMessageContaining("tiercache.caches.PriceService.quote.jitter");
		});
	}

	@Test
	void anEntryMatchingNoCacheIsAWarningNamingItsPropertyOnce(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("tiercache.caches.PriceService.quot.ttl=2m",
					"tiercache.caches.PriceService.quote.ttl=2m", "tiercache.caches.titles.ttl=1m",
					"tiercache.caches.PriceService.history.tll=3m")
			.withUserConfiguration(SpringCachingConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<String> warnings = output.getOut().lines().filter((line) -> line.contains("WARN")).toList();
				assertThat(warnings).filteredOn((line) -> line.contains("tiercache.caches.PriceService.quot.*"))
					.singleElement()
					.asString()
					.contains("matches no cache", "PriceService.quote");
				assertThat(warnings).filteredOn((line) -> line.contains("tiercache.caches.PriceService.history.tll"))
					.singleElement()
					.asString()
					.contains("is not a setting of a cache");
				assertThat(warnings).as("entries of caches that exist")
					.noneMatch((line) -> line.contains("tiercache.caches.PriceService.quote.*")
							|| line.contains("tiercache.caches.titles"));
			});
	}

	private static PropertySource<?> yaml(String yaml) {
		try {
			return new YamlPropertySourceLoader()
				.load("application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
				.get(0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static CacheSettings settings(AssertableApplicationContext context, String methodName) {
		Method method = ReflectionUtils.findMethod(PriceService.class, methodName, long.class);
		CachedOperation operation = context.getBean(TierCacheOperationSource.class)
			.getCachedOperation(method, PriceService.class);
		assertThat(operation).as("operation of %s", methodName).isNotNull();
		return operation.settings();
	}

	@Configuration(proxyBeanMethods = false)
	static class PricesConfiguration {

		@Bean
		PriceService priceService() {
			return new PriceService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class SpringCachingConfiguration {

		@Bean
		CacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

		@Bean
		TitlesService titlesService() {
			return new TitlesService();
		}

	}

	static class PriceService {

		@Cached
		public String quote(long id) {
			return "quote " + id;
		}

		@Cached
		public String history(long id) {
			return "history " + id;
		}

	}

	static class TitlesService {

		@Cacheable("titles")
		public String title(long id) {
			return "title " + id;
		}

	}

}
