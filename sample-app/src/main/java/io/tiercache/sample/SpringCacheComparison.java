package io.tiercache.sample;

import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The same catalog on Spring's own caching: {@code @Cacheable} and {@code @CacheEvict}
 * over Boot's {@code RedisCacheManager}, for the load comparison of the README. Active
 * with the {@code spring-cache} profile only, which turns tiercache off
 * ({@code application-spring-cache.yml}).
 */
@Configuration(proxyBeanMethods = false)
@Profile("spring-cache")
@EnableCaching
class SpringCacheComparison {

	/**
	 * Writes to Redis before the cached method returns. On a Lettuce connection Spring
	 * Data Redis puts and clears asynchronously by default, so a read right after a write
	 * could still find the old page (and a read right after a miss miss again): the
	 * comparison would then measure that lag rather than Spring's caching.
	 * @param connectionFactory the application's Redis
	 * @return the customizer
	 */
	@Bean
	RedisCacheManagerBuilderCustomizer immediateRedisCacheWrites(RedisConnectionFactory connectionFactory) {
		return (builder) -> builder
			.cacheWriter(RedisCacheWriter.create(connectionFactory, (writer) -> writer.immediateWrites()));
	}

}
