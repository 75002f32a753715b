package io.tiercache.autoconfigure;

import io.tiercache.cache.TierCacheOperations;
import io.tiercache.cache.TierCacheTemplate;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.interceptor.TierCacheOperationSource;
import io.tiercache.store.InvalidationOutbox;
import io.tiercache.store.JacksonValueCodec;
import io.tiercache.store.LoggingStoreErrorHandler;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.StoreOptions;
import io.tiercache.store.TieredStore;
import io.tiercache.store.ValueCodec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * The store, its invalidation subscriber and the programmatic API, over the application's
 * Redis connection factory, which must be Lettuce's.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(RedisConnectionFactory.class)
class TierCacheRedisConfiguration {

	private static final boolean lettucePresent = ClassUtils.isPresent("io.lettuce.core.RedisClient",
			TierCacheRedisConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean(StoreErrorHandler.class)
	LoggingStoreErrorHandler tierCacheErrorHandler() {
		return new LoggingStoreErrorHandler();
	}

	@Bean
	@ConditionalOnMissingBean(ValueCodec.class)
	JacksonValueCodec tierCacheValueCodec(ObjectProvider<JsonMapper> jsonMapper) {
		return new JacksonValueCodec(jsonMapper.getIfAvailable(TierCacheRedisConfiguration::defaultMapper));
	}

	@Bean
	@ConditionalOnMissingBean
	CachedValueTypesCheck tierCacheValueTypesCheck(ObjectProvider<TierCacheOperationSource> operationSource,
			ObjectProvider<ValueCodec> codec) {
		return new CachedValueTypesCheck(operationSource, codec);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	TieredStore tierCacheStore(RedisConnectionFactory connectionFactory, TierCacheProperties properties,
			ValueCodec codec, StoreErrorHandler errorHandler, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<StoreObserver> observer, ObjectProvider<InvalidationOutbox> outbox,
			ObjectProvider<TierCacheCustomizer> customizers, Environment environment) {
		requireLettuce(connectionFactory);
		// Checked with the operation source too, but the application may define its own:
		// the store's options would then fail naming no property
		TierCachePropertiesValidator.validate(properties, environment,
				new CacheSettingsPolicy(properties, environment, customizers));
		return TieredStore.builder(connectionFactory)
			.options(storeOptions(properties, environment))
			.mapper(jsonMapper.getIfAvailable(TierCacheRedisConfiguration::defaultMapper))
			.codec(codec)
			.errorHandler(errorHandler)
			.observer(observer.getIfAvailable(() -> StoreObserver.NONE))
			.outbox(outbox.getIfAvailable(() -> InvalidationOutbox.NONE))
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	TieredStoreLifecycle tierCacheStoreLifecycle(TieredStore store, RedisConnectionFactory connectionFactory) {
		return new TieredStoreLifecycle(store, connectionFactory);
	}

	@Bean
	@ConditionalOnMissingBean
	InvalidationSubscriber tierCacheInvalidationSubscriber(RedisConnectionFactory connectionFactory, TieredStore store,
			ObjectProvider<InvalidationSubscriber.Observer> observer, TierCacheProperties properties) {
		return new InvalidationSubscriber(connectionFactory, store,
				observer.getIfAvailable(() -> InvalidationSubscriber.Observer.NONE),
				properties.getFanout().getSubscribeTimeout(), properties.getFanout().getCheckInterval());
	}

	@Bean
	@ConditionalOnMissingBean(TierCacheOperations.class)
	TierCacheTemplate tierCacheTemplate(TieredStore store, TierCacheProperties properties,
			ObjectProvider<TierCacheCustomizer> customizers, Environment environment) {
		CacheSettingsPolicy policy = new CacheSettingsPolicy(properties, environment, customizers);
		return new TierCacheTemplate(store, policy::forProgrammaticCache);
	}

	/**
	 * The properties as the store's options: the defaults live in {@link StoreOptions},
	 * but for the namespace, which defaults to the application's name.
	 */
	static StoreOptions storeOptions(TierCacheProperties properties, Environment environment) {
		TierCacheProperties.Redis redis = properties.getRedis();
		return StoreOptions.builder()
			.localMaximumSize(properties.getLocal().getMaximumSize())
			.localMaxTtl(properties.getLocal().getMaxTtl())
			.localMaxUnconfirmed(properties.getLocal().getMaxUnconfirmed())
			.maxTtl(properties.getMaxTtl())
			.keyPrefix(redis.getKeyPrefix())
			.namespace(properties.resolveNamespace(environment))
			.commandTimeout(redis.getCommandTimeout())
			.breaker(redis.getBreaker().getFailureThreshold(), redis.getBreaker().getOpenDuration())
			.maxValueBytes(redis.getMaxValueSize().toBytes())
			.lease(properties.getLease().getTimeout(), properties.getLease().getMaxWait())
			.earlyRefreshBeta(properties.getRefresh().getBeta())
			.refreshThreads(properties.getRefresh().getThreads())
			.asyncThreads(properties.getRedis().getAsyncThreads())
			.shutdownTimeout(properties.getShutdownTimeout())
			.replicaAcks(redis.getReplicaAcks(), redis.getReplicaAckTimeout())
			.slotGroups((redis.getSlotGroups() != null) ? redis.getSlotGroups() : 0)
			.build();
	}

	private static void requireLettuce(RedisConnectionFactory connectionFactory) {
		if (!lettucePresent || !(connectionFactory instanceof LettuceConnectionFactory)) {
			throw new TierCacheConfigurationException(
					"tiercache needs Lettuce, but the RedisConnectionFactory is a "
							+ connectionFactory.getClass().getName() + ".",
					"Use Lettuce, the client of spring-boot-starter-data-redis: remove the other client (such as "
							+ "Jedis) or set spring.data.redis.client-type=lettuce, or set tiercache.enabled=false.");
		}
	}

	private static JsonMapper defaultMapper() {
		return JsonMapper.builder().build();
	}

}
