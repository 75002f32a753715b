package io.tiercache.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.tiercache.actuate.TierCacheEndpoint;
import io.tiercache.actuate.TierCacheHealthIndicator;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.interceptor.CachedOperation;
import io.tiercache.interceptor.TierCacheOperationSource;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredStore;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of tiercache's actuator support: the {@code tiercache} endpoint
 * (when available, that is enabled and exposed) and the {@code tiercache} health
 * indicator (unless {@code management.health.tiercache.enabled=false}). The indicator is
 * not added to any health group: a Redis outage makes it {@code DOWN} without making the
 * application unready.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { TierCacheAutoConfiguration.class, TierCacheMetricsAutoConfiguration.class })
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(TieredStore.class)
@Import({ TierCacheActuatorAutoConfiguration.EndpointConfiguration.class,
		TierCacheActuatorAutoConfiguration.HealthConfiguration.class })
public final class TierCacheActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(
			name = "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint")
	@ConditionalOnAvailableEndpoint(TierCacheEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TierCacheEndpoint tierCacheEndpoint(TieredStore store, ObjectProvider<StoreObserver> observer,
				ObjectProvider<TierCacheOperationSource> operationSource) {
			return new TierCacheEndpoint(store, store.redis(), observer.getIfAvailable(() -> StoreObserver.NONE),
					() -> declaredCaches(operationSource.getIfAvailable()));
		}

		/**
		 * The caches of the {@code @Cached} methods parsed so far, with their settings.
		 */
		private static Map<String, CacheSettings> declaredCaches(@Nullable TierCacheOperationSource source) {
			Map<String, CacheSettings> caches = new LinkedHashMap<>();
			if (source != null) {
				for (CachedOperation operation : source.cachedOperations()) {
					caches.putIfAbsent(operation.settings().name(), operation.settings());
				}
			}
			return caches;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("tiercache")
	static class HealthConfiguration {

		// Named so that its health key is "tiercache", not "tierCache"
		@Bean
		@ConditionalOnMissingBean(name = "tiercacheHealthIndicator")
		TierCacheHealthIndicator tiercacheHealthIndicator(TieredStore store, InvalidationSubscriber subscriber) {
			return new TierCacheHealthIndicator(store, subscriber);
		}

	}

}
