package io.tiercache.autoconfigure;

import java.util.Set;

import io.tiercache.interceptor.InvalidAnnotationException;
import io.tiercache.interceptor.TierCacheOperationSource;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Checks, once every singleton is created, the {@code tiercache.caches.<name>} entries of
 * the caches that no {@code @Cached} method declares, over the defaults and the
 * customizers, as the programmatic API and the Spring Cache bridge would resolve them. An
 * entry of a cache a method declares is checked with that method's own settings when the
 * method is parsed, so a default that the annotation replaces cannot fail it.
 * <p>
 * Beans not created at startup (lazy or not singletons) are parsed here first, so that
 * the caches they declare count as declared and their annotations fail now, not at their
 * first use.
 */
final class UndeclaredCacheSettingsCheck implements SmartInitializingSingleton, BeanFactoryAware {

	private final ObjectProvider<TierCacheProperties> properties;

	private final ObjectProvider<TierCacheCustomizer> customizers;

	private final ObjectProvider<TierCacheOperationSource> operationSource;

	private ConfigurableListableBeanFactory beanFactory;

	UndeclaredCacheSettingsCheck(ObjectProvider<TierCacheProperties> properties,
			ObjectProvider<TierCacheCustomizer> customizers, ObjectProvider<TierCacheOperationSource> operationSource) {
		this.properties = properties;
		this.customizers = customizers;
		this.operationSource = operationSource;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		TierCacheProperties properties = this.properties.getObject();
		if (properties.getCaches().isEmpty()) {
			return;
		}
		TierCacheOperationSource source = this.operationSource.getIfAvailable();
		Set<String> declared = (source != null) ? declaredCaches(source) : Set.of();
		CacheSettingsPolicy policy = new CacheSettingsPolicy(properties, this.customizers);
		for (String name : properties.getCaches().keySet()) {
			if (!declared.contains(name)) {
				policy.validateUndeclared(name);
			}
		}
	}

	private Set<String> declaredCaches(TierCacheOperationSource source) {
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = this.beanFactory.getMergedBeanDefinition(name);
			if (definition.isAbstract() || (definition.isSingleton() && !definition.isLazyInit())) {
				// Created already, and parsed by the advisor then
				continue;
			}
			Class<?> type = this.beanFactory.getType(name, false);
			if (type != null) {
				parse(source, ClassUtils.getUserClass(type));
			}
		}
		return source.cacheNames();
	}

	private static void parse(TierCacheOperationSource source, Class<?> type) {
		try {
			source.hasOperations(type);
		}
		catch (InvalidAnnotationException ex) {
			throw ex;
		}
		catch (IllegalStateException | LinkageError ex) {
			// A class whose methods cannot be introspected (an optional dependency
			// missing): it is parsed, and fails, when its bean is created
		}
	}

}
