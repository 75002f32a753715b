package io.tiercache.autoconfigure;

import java.util.List;

import io.tiercache.cache.SpringCacheValueCodec;
import io.tiercache.cache.TierCacheCacheManager;
import io.tiercache.cache.TierCacheTemplate;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the Spring Cache bridge, when
 * {@code tiercache.spring-cache.enabled} is true: a {@link CacheManager} whose caches are
 * tiercache caches, so that {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict}
 * (with {@code @EnableCaching}) use both tiers and evict on every instance. Backs off
 * when the application defines its own {@code CacheManager}; runs before Spring Boot's
 * cache auto-configuration, which then backs off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = TierCacheAutoConfiguration.class,
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass(CacheManager.class)
@ConditionalOnBooleanProperty("tiercache.spring-cache.enabled")
@ConditionalOnBean(TierCacheTemplate.class)
public final class TierCacheSpringCacheAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(CacheManager.class)
	TierCacheCacheManager cacheManager(TierCacheTemplate template, TierCacheProperties properties,
			BeanFactory beanFactory) {
		TierCacheProperties.SpringCache bridge = properties.getSpringCache();
		TierCachePropertiesValidator.validateTrustedPackages(bridge);
		List<String> trustedPackages = trustedPackages(properties, beanFactory);
		// Only bridge caches read classes named by their payload, so only they get this
		// codec.
		SpringCacheValueCodec codec = new SpringCacheValueCodec(trustedPackages);
		TierCachePropertiesValidator.validateValueTypes(bridge, trustedPackages, codec);
		// Asynchronous retrievals wait for Redis on the manager's own threads, never the
		// caller's
		TierCacheCacheManager cacheManager = new TierCacheCacheManager(template, codec,
				properties.getSpringCache().isAllowNullValues());
		cacheManager.setValueTypes(properties.getSpringCache().getValueTypes());
		return cacheManager;
	}

	private static List<String> trustedPackages(TierCacheProperties properties, BeanFactory beanFactory) {
		List<String> configured = properties.getSpringCache().getTrustedPackages();
		if (!configured.isEmpty() || !AutoConfigurationPackages.has(beanFactory)) {
			return configured;
		}
		return AutoConfigurationPackages.get(beanFactory);
	}

}
