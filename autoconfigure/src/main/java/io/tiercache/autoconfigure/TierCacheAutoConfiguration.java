package io.tiercache.autoconfigure;

import java.util.List;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiercache.cache.SpringCacheValueCodec;
import io.tiercache.cache.TierCacheOperations;
import io.tiercache.cache.TierCacheTemplate;
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
import io.tiercache.interceptor.TierCacheInterceptor;
import io.tiercache.interceptor.TierCacheOperationSource;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
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

/**
 * Auto-configuration of tiercache: the two-tier store over the application's
 * {@link RedisConnectionFactory}, the invalidation subscriber, metrics, the programmatic
 * {@link TierCacheOperations}, and the advisor that makes {@code @Cached} and
 * {@code @InvalidatesTags} work.
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
			TierCacheProperties properties, BeanFactory beanFactory) {
		ObjectMapper mapper = jsonMapper.getIfAvailable(TierCacheAutoConfiguration::defaultMapper);
		TieredStore.Options options = new TieredStore.Options(properties.getLocal().getMaximumSize(),
				properties.getLocal().getMaxTtl(), Ticker.systemTicker(), System::currentTimeMillis)
			.withFreshness(properties.getLease().getTimeout(), properties.getLease().getMaxWait(),
					properties.getRefresh().getBeta(), properties.getRefresh().getThreads())
			.withMaxValueBytes(properties.getRedis().getMaxValueSize().toBytes());
		// Values of Spring Cache bridge caches are routed to their own codec; others use the
		// application's
		ValueCodec routing = new SpringCacheValueCodec(codec, trustedPackages(properties, beanFactory));
		return new TieredStore(redisTier, view, routing, new KeyRenderer(mapper), options,
				observer.getIfAvailable(() -> StoreObserver.NONE));
	}

	private static List<String> trustedPackages(TierCacheProperties properties, BeanFactory beanFactory) {
		List<String> configured = properties.getSpringCache().getTrustedPackages();
		if (!configured.isEmpty() || !AutoConfigurationPackages.has(beanFactory)) {
			return configured;
		}
		return AutoConfigurationPackages.get(beanFactory);
	}

	@Bean
	@ConditionalOnMissingBean(TierCacheOperations.class)
	@ConditionalOnBean(TieredStore.class)
	TierCacheTemplate tierCacheTemplate(TieredStore store, ObjectProvider<JsonMapper> jsonMapper,
			TierCacheProperties properties, ObjectProvider<TierCacheCustomizer> customizers) {
		ObjectMapper mapper = jsonMapper.getIfAvailable(TierCacheAutoConfiguration::defaultMapper);
		CacheSettingsPolicy policy = new CacheSettingsPolicy(properties, customizers);
		return new TierCacheTemplate(store, new KeyRenderer(mapper), policy::forProgrammaticCache);
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
	static TierCacheOperationSource tierCacheOperationSource(Environment environment,
			ObjectProvider<TierCacheCustomizer> customizers) {
		// Bound here rather than injected: this bean is created with the auto-proxy creator,
		// before the properties bean could be post-processed. Customizers are asked for only
		// when the first annotation is parsed.
		TierCacheProperties properties = Binder.get(environment)
			.bindOrCreate("tiercache", TierCacheProperties.class);
		CacheSettingsPolicy policy = new CacheSettingsPolicy(properties, customizers);
		TierCachePropertiesValidator.validate(properties, policy);
		return new TierCacheOperationSource(policy.defaults());
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

	private static JsonMapper defaultMapper() {
		return JsonMapper.builder().build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean({ MeterRegistry.class, RedisConnectionFactory.class })
	static class TierCacheMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(StoreObserver.class)
		MicrometerStoreObserver tierCacheMetrics(MeterRegistry registry, ObjectProvider<InvalidationView> view) {
			MicrometerStoreObserver observer = new MicrometerStoreObserver(registry);
			view.ifAvailable(observer::bindState);
			return observer;
		}

	}

}
