package io.tiercache.autoconfigure;

import io.tiercache.interceptor.TierCacheAdvisor;
import io.tiercache.interceptor.TierCacheInterceptor;
import io.tiercache.interceptor.TierCacheOperationSource;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The infrastructure that applies {@code @Cached} and {@code @InvalidatesTags}: operation
 * source, interceptor and advisor, as Spring's {@code ProxyCachingConfiguration} declares
 * its own. Static bean methods: they are created with the auto-proxy creator, before
 * anything else.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(RedisConnectionFactory.class)
@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
class TierCacheProxyConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static TierCacheOperationSource tierCacheOperationSource(Environment environment,
			ObjectProvider<TierCacheCustomizer> customizers) {
		// Bound here rather than injected: this bean is created with the auto-proxy
		// creator, before the properties bean could be post-processed. Customizers are
		// asked for only when the first annotation is parsed.
		TierCacheProperties properties = Binder.get(environment).bindOrCreate("tiercache", TierCacheProperties.class);
		CacheSettingsPolicy policy = new CacheSettingsPolicy(properties, environment, customizers);
		TierCachePropertiesValidator.validate(properties, environment, policy);
		return new TierCacheOperationSource(policy.defaults());
	}

	// Static and lazy in what it asks for, as the operation source: it only runs once
	// every singleton exists
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static UndeclaredCacheSettingsCheck tierCacheUndeclaredCacheSettingsCheck(
			ObjectProvider<TierCacheProperties> properties, ObjectProvider<TierCacheCustomizer> customizers,
			ObjectProvider<TierCacheOperationSource> operationSource, Environment environment) {
		return new UndeclaredCacheSettingsCheck(properties, customizers, operationSource, environment);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static TierCacheInterceptor tierCacheInterceptor(TierCacheOperationSource operationSource,
			ObjectProvider<TieredStore> store, ObjectProvider<StoreErrorHandler> errorHandler,
			ObjectProvider<StoreObserver> observer) {
		// The store, the error handler and the observer are resolved on first use: this
		// bean is created with the other infrastructure, before Redis, Jackson and
		// Micrometer should be.
		return new TierCacheInterceptor(operationSource, store::getObject, errorHandler::getObject,
				() -> observer.getIfAvailable(() -> StoreObserver.NONE));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static TierCacheAdvisor tierCacheAdvisor(TierCacheOperationSource operationSource,
			TierCacheInterceptor interceptor) {
		return new TierCacheAdvisor(operationSource, interceptor);
	}

}
