package io.tiercache.autoconfigure;

import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of tiercache: the two-tier store over the application's
 * {@link RedisConnectionFactory} with its invalidation subscriber and the programmatic
 * API ({@link TierCacheRedisConfiguration}), the advisor that makes {@code @Cached} and
 * {@code @InvalidatesTags} work ({@link TierCacheProxyConfiguration}), and, with
 * {@code tiercache.outbox.enabled}, the outbox over the application's DataSource
 * ({@link TierCacheOutboxConfiguration}). Metrics, the actuator support and the Spring
 * Cache bridge have auto-configurations of their own; without the bridge, a warning tells
 * when Spring Boot moved the application's {@code @Cacheable} caches to Redis
 * ({@link SpringCacheManagerCheck}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnClass({ RedisConnectionFactory.class, Caffeine.class })
@Conditional(OnTierCacheEnabledCondition.class)
@EnableConfigurationProperties(TierCacheProperties.class)
@Import({ TierCacheRedisConfiguration.class, TierCacheProxyConfiguration.class, TierCacheOutboxConfiguration.class })
public final class TierCacheAutoConfiguration {

	// Static: it only runs once every singleton exists.
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "tiercache.spring-cache.enabled", havingValue = false, matchIfMissing = true)
	static SpringCacheManagerCheck tierCacheSpringCacheManagerCheck(Environment environment) {
		return new SpringCacheManagerCheck(environment);
	}

}
