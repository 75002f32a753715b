package io.tiercache.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.autoconfigure.TierCacheAutoConfigurationTests.RecordingErrorHandler;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A value of another class under a bridge cache's key in Redis (stored there by another
 * service that uses the same cache name, or planted): with the cache's value types
 * declared, it is a miss, removed, reported and counted, never a
 * {@code ClassCastException} in the caller.
 */
class SpringCacheValueTypesIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class, TierCacheSpringCacheAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withPropertyValues("tiercache.spring-cache.enabled=true",
				"tiercache.spring-cache.trusted-packages=io.tiercache.autoconfigure")
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(StoreErrorHandler.class, RecordingErrorHandler::new)
		.withUserConfiguration(TitlesConfiguration.class);

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void aValueOfAnotherClassInRedisIsAMissForACacheWhoseTypesAreDeclared() {
		this.contextRunner.run((planting) -> this.contextRunner
			.withPropertyValues("tiercache.spring-cache.value-types.titles=java.lang.String")
			.run((reading) -> {
				// An ArrayList under the key that reading's String method uses
				assertThat(planting.getBean(TitlesService.class).titlesAsList(1)).containsExactly("planted");
				TitlesService service = reading.getBean(TitlesService.class);
				assertThat(service.title(1)).isEqualTo("title 1");
				assertThat(service.invocations()).isEqualTo(1);
				MeterRegistry meters = reading.getBean(MeterRegistry.class);
				assertThat(
						meters.counter("tiercache.gets", "cache", "titles", "tier", "remote", "result", "undecodable")
							.count())
					.isEqualTo(1);
				assertThat(((RecordingErrorHandler) reading.getBean(StoreErrorHandler.class)).failures)
					.containsExactly("titles:DECODE");
				// Removed and replaced by the method's value
				assertThat(service.title(1)).isEqualTo("title 1");
				assertThat(service.invocations()).isEqualTo(1);
			}));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class TitlesConfiguration {

		@Bean
		TitlesService titlesService() {
			return new TitlesService();
		}

	}

	public static class TitlesService {

		private final AtomicInteger invocations = new AtomicInteger();

		@Cacheable("titles")
		public String title(long id) {
			this.invocations.incrementAndGet();
			return "title " + id;
		}

		// Another method (say, of another service) using the same cache and keys
		@Cacheable("titles")
		public ArrayList<String> titlesAsList(long id) {
			return new ArrayList<>(List.of("planted"));
		}

		public int invocations() {
			return this.invocations.get();
		}

	}

}
