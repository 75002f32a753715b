package io.tiercache.sample;

import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

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

}
