package io.tiercache.autoconfigure;

import io.tiercache.cache.TierCacheCacheManager;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with {@code @EnableCaching} that adds tiercache: Spring Boot's cache
 * auto-configuration then picks Redis for its {@code @Cacheable} caches, as Spring Data
 * Redis came with the starter, and tiercache says so at startup, with the fixes; once a
 * choice is made, it is silent.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringCacheManagerCheckIntegrationTests {

	private static final String WARNING = "Spring's @Cacheable caches use Redis: Spring Boot chose its"
			+ " RedisCacheManager because tiercache brings Spring Data Redis";

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheSpringCacheAutoConfiguration.class, CacheAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withUserConfiguration(CachingApplication.class);

	@Test
	void bootsRedisCacheManagerChosenForLackOfAChoiceIsAWarningNamingTheFixes(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(RedisCacheManager.class);
			assertThat(output).containsOnlyOnce(WARNING)
				.contains("they never expire: spring.cache.redis.time-to-live is not set")
				.contains("set spring.cache.type=caffeine (or simple)")
				.contains("set tiercache.spring-cache.enabled=true")
				.contains("set spring.cache.type=redis, which also silences this warning");
		});
	}

	@Test
	void aTimeToLiveLeavesOnlyTheChoiceToWarnAbout(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.cache.redis.time-to-live=10m").run((context) -> {
			assertThat(output).contains(WARNING).doesNotContain("they never expire");
		});
	}

	@Test
	void theFixesKeepTheirCacheManagerAndSilenceTheWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.cache.type=caffeine")
			.run((context) -> assertThat(context.getBean(CacheManager.class)).isInstanceOf(CaffeineCacheManager.class));
		this.contextRunner.withPropertyValues("spring.cache.type=simple")
			.run((context) -> assertThat(context.getBean(CacheManager.class))
				.isInstanceOf(ConcurrentMapCacheManager.class));
		this.contextRunner.withPropertyValues("spring.cache.type=redis")
			.run((context) -> assertThat(context.getBean(CacheManager.class)).isInstanceOf(RedisCacheManager.class));
		this.contextRunner.withPropertyValues("tiercache.spring-cache.enabled=true")
			.run((context) -> assertThat(context.getBean(CacheManager.class))
				.isInstanceOf(TierCacheCacheManager.class));
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void anApplicationsOwnRedisCacheManagerIsItsChoice(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(OwnCacheManager.class).run((context) -> {
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(RedisCacheManager.class);
			assertThat(output).doesNotContain(WARNING);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManager {

		@Bean
		RedisCacheManager cacheManager(org.springframework.data.redis.connection.RedisConnectionFactory factory) {
			return RedisCacheManager.create(factory);
		}

	}

}
