package io.tiercache.autoconfigure;

import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of tiercache: the two-tier store over the application's
 * {@link RedisConnectionFactory} with its invalidation subscriber and the programmatic
 * API ({@link TierCacheRedisConfiguration}), and the advisor that makes {@code @Cached}
 * and {@code @InvalidatesTags} work ({@link TierCacheProxyConfiguration}). Metrics, the
 * actuator support and the Spring Cache bridge have auto-configurations of their own.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ RedisConnectionFactory.class, Caffeine.class })
@ConditionalOnBooleanProperty(name = "tiercache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TierCacheProperties.class)
@Import({ TierCacheRedisConfiguration.class, TierCacheProxyConfiguration.class })
public final class TierCacheAutoConfiguration {

}
