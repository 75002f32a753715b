package io.tiercache.autoconfigure;

import java.util.UUID;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.fanout.InvalidationView;
import io.tiercache.metrics.MicrometerStoreObserver;
import io.tiercache.redis.CircuitBreaker;
import io.tiercache.redis.RedisKeys;
import io.tiercache.redis.RedisScriptRunner;
import io.tiercache.redis.RedisTier;
import io.tiercache.store.JacksonValueCodec;
import io.tiercache.store.KeyRenderer;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredStore;
import io.tiercache.store.ValueCodec;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import io.tiercache.interceptor.TierCacheAdvisor;
import io.tiercache.interceptor.TierCacheDefaults;
import io.tiercache.interceptor.TierCacheInterceptor;
import io.tiercache.interceptor.TierCacheOperationSource;
import io.tiercache.store.Jitter;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of tiercache: the two-tier store over the application's
 * {@link RedisConnectionFactory}, the invalidation subscriber, metrics, and the advisor that
 * makes {@code @Cached} and {@code @InvalidatesTags} work.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ RedisConnectionFactory.class, Caffeine.class })
@ConditionalOnBooleanProperty(name = "tiercache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TierCacheProperties.class)
public final class TierCacheAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisConnectionFactory.class)
	InvalidationView tierCacheInvalidationView() {
		return new InvalidationView();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisConnectionFactory.class)
	RedisTier tierCacheRedisTier(RedisConnectionFactory connectionFactory, TierCacheProperties properties) {
		TierCacheProperties.Redis redis = properties.getRedis();
		CircuitBreaker breaker = new CircuitBreaker(redis.getBreaker().getFailureThreshold(),
				redis.getBreaker().getOpenDuration(), System::nanoTime);
		RedisScriptRunner runner = new RedisScriptRunner(connectionFactory, redis.getCommandTimeout(), breaker);
		return new RedisTier(runner, new RedisKeys(redis.getKeyPrefix(), properties.getNamespace()),
				properties.getMaxTtl(), UUID.randomUUID().toString());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisConnectionFactory.class)
	ValueCodec tierCacheValueCodec(ObjectProvider<JsonMapper> jsonMapper) {
		return new JacksonValueCodec(jsonMapper.getIfAvailable(TierCacheAutoConfiguration::defaultMapper));
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisTier.class)
	TieredStore tieredStore(RedisTier redisTier, InvalidationView view, ValueCodec codec,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<StoreObserver> observer,
			TierCacheProperties properties) {
		ObjectMapper mapper = jsonMapper.getIfAvailable(TierCacheAutoConfiguration::defaultMapper);
		TieredStore.Options options = new TieredStore.Options(properties.getLocal().getMaximumSize(),
				properties.getLocal().getMaxTtl(), Ticker.systemTicker(), System::currentTimeMillis)
			.withFreshness(properties.getLease().getTimeout(), properties.getLease().getMaxWait(),
					properties.getRefresh().getBeta(), properties.getRefresh().getThreads());
		return new TieredStore(redisTier, view, codec, new KeyRenderer(mapper), options,
				observer.getIfAvailable(() -> StoreObserver.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisTier.class)
	InvalidationSubscriber tierCacheInvalidationSubscriber(RedisConnectionFactory connectionFactory,
			RedisTier redisTier, InvalidationView view, ObjectProvider<StoreObserver> observer,
			TierCacheProperties properties) {
		InvalidationSubscriber.Observer subscriberObserver = (observer
			.getIfAvailable() instanceof InvalidationSubscriber.Observer found) ? found : InvalidationSubscriber.Observer.NONE;
		return new InvalidationSubscriber(connectionFactory, redisTier, view, subscriberObserver,
				properties.getFanout().getSubscribeTimeout(), properties.getFanout().getCheckInterval());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisTier.class)
	static TierCacheOperationSource tierCacheOperationSource(Environment environment) {
		// Bound here rather than injected: this bean is created with the auto-proxy creator,
		// before the properties bean could be post-processed.
		TierCacheProperties properties = Binder.get(environment)
			.bindOrCreate("tiercache", TierCacheProperties.class);
		validateCacheSpecs(properties);
		return new TierCacheOperationSource(new TierCacheDefaults(properties.getDefaultTtl(),
				parseJitter("tiercache.default-jitter", properties.getDefaultJitter()), properties.getMaxTtl(),
				new CacheSpecOverrides(properties.getCaches())));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisTier.class)
	static TierCacheInterceptor tierCacheInterceptor(TierCacheOperationSource operationSource,
			ObjectProvider<TieredStore> store) {
		// The store is resolved on first use: this bean is created with the other
		// infrastructure, before Redis and Jackson should be.
		return new TierCacheInterceptor(operationSource, store::getObject);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisTier.class)
	static TierCacheAdvisor tierCacheAdvisor(TierCacheOperationSource operationSource, TierCacheInterceptor interceptor) {
		return new TierCacheAdvisor(operationSource, interceptor);
	}

	/**
	 * Check every {@code tiercache.caches.<name>.*} at startup, whether or not a method of that
	 * cache exists yet.
	 */
	private static void validateCacheSpecs(TierCacheProperties properties) {
		if (!(properties.getRefresh().getBeta() >= 0)) {
			throw new IllegalStateException("Invalid tiercache.refresh.beta: " + properties.getRefresh().getBeta()
					+ " must be zero (off) or positive");
		}
		if (properties.getRefresh().getThreads() < 1) {
			throw new IllegalStateException("Invalid tiercache.refresh.threads: " + properties.getRefresh().getThreads()
					+ " must be at least 1");
		}
		if (properties.getLease().getTimeout().isNegative() || properties.getLease().getMaxWait().isNegative()) {
			throw new IllegalStateException("Invalid tiercache.lease.*: durations must not be negative");
		}
		properties.getCaches().forEach((name, spec) -> {
			String prefix = "tiercache.caches." + name + ".";
			parseJitter(prefix + "jitter", spec.getJitter());
			if (spec.getTtl() != null && (spec.getTtl().isNegative() || spec.getTtl().isZero()
					|| spec.getTtl().compareTo(properties.getMaxTtl()) > 0)) {
				throw new IllegalStateException("Invalid " + prefix + "ttl: " + spec.getTtl()
						+ " must be positive and at most tiercache.max-ttl (" + properties.getMaxTtl() + ")");
			}
			if (spec.getStaleWhileRevalidate() != null && spec.getStaleWhileRevalidate().isNegative()) {
				throw new IllegalStateException("Invalid " + prefix + "stale-while-revalidate: "
						+ spec.getStaleWhileRevalidate() + " must not be negative");
			}
			if (spec.getNullTtl() != null && (spec.getNullTtl().isNegative()
					|| spec.getNullTtl().compareTo(properties.getMaxTtl()) > 0)) {
				throw new IllegalStateException("Invalid " + prefix + "null-ttl: " + spec.getNullTtl()
						+ " must be between 0 and tiercache.max-ttl (" + properties.getMaxTtl() + ")");
			}
		});
	}

	static Jitter parseJitter(String property, @Nullable String value) {
		if (!StringUtils.hasText(value)) {
			return Jitter.NONE;
		}
		try {
			return Jitter.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid " + property + ": " + ex.getMessage(), ex);
		}
	}

	private static JsonMapper defaultMapper() {
		return JsonMapper.builder().build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean({ MeterRegistry.class, RedisConnectionFactory.class })
	static class TierCacheMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(StoreObserver.class)
		MicrometerStoreObserver tierCacheMetrics(MeterRegistry registry) {
			return new MicrometerStoreObserver(registry);
		}

	}

}
