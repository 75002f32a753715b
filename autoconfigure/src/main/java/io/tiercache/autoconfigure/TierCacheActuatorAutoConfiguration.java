package io.tiercache.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.tiercache.actuate.TagListRequestFilter;
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
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
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

		// A JSON array of tags, which Boot's web endpoints refuse, on a servlet
		// application's own port.
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
		@ConditionalOnClass(name = { "jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter" })
		static class TagListFilterConfiguration {

			// After Spring Security's filters (at -100), so that the body of a request
			// they refuse is never read.
			@Bean
			@ConditionalOnMissingBean(name = "tierCacheTagListRequestFilter")
			FilterRegistrationBean<TagListRequestFilter> tierCacheTagListRequestFilter(
					ObjectProvider<WebEndpointProperties> webEndpoints) {
				WebEndpointProperties properties = webEndpoints.getIfAvailable(WebEndpointProperties::new);
				String path = properties.getBasePath() + "/"
						+ properties.getPathMapping().getOrDefault(TierCacheEndpoint.ID, TierCacheEndpoint.ID);
				FilterRegistrationBean<TagListRequestFilter> registration = new FilterRegistrationBean<>(
						new TagListRequestFilter(path));
				registration.addUrlPatterns(path);
				registration.setOrder(0);
				return registration;
			}

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
