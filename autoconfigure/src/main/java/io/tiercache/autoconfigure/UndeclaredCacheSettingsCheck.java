package io.tiercache.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.tiercache.interceptor.InvalidAnnotationException;
import io.tiercache.interceptor.TierCacheOperationSource;
import io.tiercache.store.TieredStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

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
 * <p>
 * An entry that matches no cache known by then (of a {@code @Cached} method, of a Spring
 * {@code @Cacheable} method, in {@code tiercache.spring-cache.value-types}, or already
 * used) is logged once as a warning naming its property, and so is a property that is no
 * setting of a cache: binding leaves both out without a word, so a misspelt or misplaced
 * name would otherwise change nothing unnoticed.
 */
final class UndeclaredCacheSettingsCheck implements SmartInitializingSingleton, BeanFactoryAware {

	private static final Logger logger = LoggerFactory.getLogger(UndeclaredCacheSettingsCheck.class);

	private final ObjectProvider<TierCacheProperties> properties;

	private final ObjectProvider<TierCacheCustomizer> customizers;

	private final ObjectProvider<TierCacheOperationSource> operationSource;

	private final Environment environment;

	private ConfigurableListableBeanFactory beanFactory;

	UndeclaredCacheSettingsCheck(ObjectProvider<TierCacheProperties> properties,
			ObjectProvider<TierCacheCustomizer> customizers, ObjectProvider<TierCacheOperationSource> operationSource,
			Environment environment) {
		this.properties = properties;
		this.customizers = customizers;
		this.operationSource = operationSource;
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		TierCacheProperties properties = this.properties.getObject();
		CacheSettingsPolicy policy = new CacheSettingsPolicy(properties, this.environment, this.customizers);
		CacheSpecs specs = policy.specs();
		Set<String> entries = specs.names();
		if (entries.isEmpty()) {
			return;
		}
		TierCacheOperationSource source = this.operationSource.getIfAvailable();
		Set<String> declared = (source != null) ? declaredCaches(source) : Set.of();
		Set<String> known = null;
		List<String> unmatched = new ArrayList<>();
		for (String entry : entries) {
			if (matchesAny(specs, entry, declared)) {
				continue;
			}
			policy.validateUndeclared(entry);
			known = (known != null) ? known : otherKnownCaches(properties);
			if (!matchesAny(specs, entry, known)) {
				unmatched.add(entry);
			}
		}
		for (String entry : unmatched) {
			logger.warn(
					"{}.* matches no cache: no @Cached or @Cacheable method declares a cache of that name "
							+ "(those of @Cached methods are {}), so it applies only if code uses such a cache later, "
							+ "through TierCacheOperations or a CacheManager. A default cache name is "
							+ "SimpleClassName.method, set as tiercache.caches.ProductService.find.ttl",
					specs.prefix(entry), sorted(declared));
		}
		for (String property : specs.unknownSettings()) {
			logger.warn("{} is not a setting of a cache and is ignored: the settings are ttl, jitter, null-ttl, "
					+ "stale-while-revalidate, local and enabled", property);
		}
	}

	private static boolean matchesAny(CacheSpecs specs, String entry, Collection<String> cacheNames) {
		for (String cacheName : cacheNames) {
			if (specs.matches(entry, cacheName)) {
				return true;
			}
		}
		return false;
	}

	private static List<String> sorted(Set<String> names) {
		return names.stream().sorted().toList();
	}

	// Caches that code names, so far as they are known once every singleton exists
	private Set<String> otherKnownCaches(TierCacheProperties properties) {
		Set<String> known = new LinkedHashSet<>(properties.getSpringCache().getValueTypes().keySet());
		TieredStore store = this.beanFactory.getBeanProvider(TieredStore.class).getIfAvailable();
		if (store != null) {
			known.addAll(store.caches().keySet());
		}
		CacheOperationSource springOperations = this.beanFactory.getBeanProvider(CacheOperationSource.class)
			.getIfUnique();
		if (springOperations != null) {
			for (String name : this.beanFactory.getBeanDefinitionNames()) {
				Class<?> type = this.beanFactory.getType(name, false);
				if (type != null) {
					collectSpringCacheNames(springOperations, ClassUtils.getUserClass(type), known);
				}
			}
		}
		return known;
	}

	private static void collectSpringCacheNames(CacheOperationSource operations, Class<?> type, Set<String> names) {
		if (!operations.isCandidateClass(type)) {
			return;
		}
		try {
			ReflectionUtils.doWithMethods(type, (method) -> {
				Collection<CacheOperation> found = operations.getCacheOperations(method, type);
				if (found != null) {
					found.forEach((operation) -> names.addAll(operation.getCacheNames()));
				}
			}, ReflectionUtils.USER_DECLARED_METHODS);
		}
		catch (IllegalStateException | LinkageError ex) {
			// A class whose methods cannot be introspected: its caches stay unknown
		}
	}

	private Set<String> declaredCaches(TierCacheOperationSource source) {
		parseBeansNotCreated(this.beanFactory, source);
		return source.cacheNames();
	}

	/**
	 * Parse the classes of the beans not created at startup (lazy, or not singletons), so
	 * that the operation source knows their methods too.
	 * @param beanFactory the bean factory, every singleton created
	 * @param source the operation source
	 * @throws InvalidAnnotationException if an annotation is invalid
	 */
	static void parseBeansNotCreated(ConfigurableListableBeanFactory beanFactory, TierCacheOperationSource source) {
		for (String name : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
			if (definition.isAbstract() || (definition.isSingleton() && !definition.isLazyInit())) {
				// Created already, and parsed by the advisor then
				continue;
			}
			Class<?> type = beanFactory.getType(name, false);
			if (type != null) {
				parse(source, ClassUtils.getUserClass(type));
			}
		}
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
