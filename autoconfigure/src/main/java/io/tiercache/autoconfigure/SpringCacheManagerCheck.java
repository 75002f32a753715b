package io.tiercache.autoconfigure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cache.CacheManager;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Warns, once every singleton exists, when Spring Boot gave the application's
 * {@code @Cacheable} caches a {@code RedisCacheManager} that nobody asked for. The
 * starter brings Spring Data Redis, and Boot's cache auto-configuration prefers Redis to
 * Caffeine and to its in-memory default whenever Redis is there: adding tiercache would
 * otherwise move an application's existing Spring caches to Redis without a word, where
 * values that are not {@code Serializable} fail and entries never expire unless
 * {@code spring.cache.redis.time-to-live} is set.
 * <p>
 * Silent when {@code spring.cache.type} is set (a choice was made), when the application
 * defines its own {@code CacheManager}, and with the Spring Cache bridge
 * ({@code tiercache.spring-cache.enabled}), which replaces Boot's.
 */
final class SpringCacheManagerCheck implements SmartInitializingSingleton, BeanFactoryAware {

	private static final Logger logger = LoggerFactory.getLogger(SpringCacheManagerCheck.class);

	/** Where Boot's cache auto-configuration defines its Redis cache manager. */
	static final String BOOT_REDIS_CACHE_CONFIGURATION = "org.springframework.boot.cache.autoconfigure.RedisCacheConfiguration";

	private final Environment environment;

	private ConfigurableListableBeanFactory beanFactory;

	SpringCacheManagerCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (StringUtils.hasText(this.environment.getProperty("spring.cache.type"))) {
			return;
		}
		for (String name : this.beanFactory.getBeanNamesForType(CacheManager.class, false, false)) {
			if (isBootsRedisCacheManager(name)) {
				logger.warn(message());
				return;
			}
		}
	}

	private boolean isBootsRedisCacheManager(String name) {
		if (!this.beanFactory.containsBeanDefinition(name)) {
			return false;
		}
		String factoryBean = this.beanFactory.getMergedBeanDefinition(name).getFactoryBeanName();
		if (factoryBean == null || !this.beanFactory.containsBeanDefinition(factoryBean)) {
			return false;
		}
		BeanDefinition configuration = this.beanFactory.getMergedBeanDefinition(factoryBean);
		return BOOT_REDIS_CACHE_CONFIGURATION.equals(configuration.getBeanClassName());
	}

	private String message() {
		boolean expires = StringUtils.hasText(this.environment.getProperty("spring.cache.redis.time-to-live"));
		return "Spring's @Cacheable caches use Redis: Spring Boot chose its RedisCacheManager because tiercache"
				+ " brings Spring Data Redis, and spring.cache.type is not set. Their values must be Serializable"
				+ (expires ? "" : ", and they never expire: spring.cache.redis.time-to-live is not set")
				+ ". If this application cached with Caffeine or in memory before tiercache, set"
				+ " spring.cache.type=caffeine (or simple) to keep that. To give @Cacheable both of tiercache's"
				+ " tiers and invalidation on every instance, set tiercache.spring-cache.enabled=true. To keep"
				+ " Redis, set spring.cache.type=redis, which also silences this warning.";
	}

}
