package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.MethodClassKey;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The {@link CachedOperation} and {@link InvalidatesTagsOperation} of each method, parsed
 * from {@link io.tiercache.annotation.Cached @Cached} and
 * {@link io.tiercache.annotation.InvalidatesTags @InvalidatesTags} by a
 * {@link TierCacheAnnotationParser} once per method and target class, failing fast on
 * anything invalid.
 * <p>
 * Annotations are looked up on the most specific method and, failing that, on the invoked
 * method, searching superclasses and interfaces: annotations on repository interface
 * methods are found although Spring Data repositories are JDK proxies. Every problem is
 * reported as an {@link InvalidAnnotationException} naming the method, such as
 * {@code com.example.ProductService.findProduct(long)}, and what to change.
 *
 * @since 0.1.0
 */
public class TierCacheOperationSource {

	private final TierCacheAnnotationParser parser;

	private final Map<MethodClassKey, MethodOperations> operationsCache = new ConcurrentHashMap<>(1024);

	private final Map<Class<?>, Boolean> classCache = new ConcurrentHashMap<>(256);

	private final Map<String, CachedOperation> operationsByCacheName = new ConcurrentHashMap<>();

	/**
	 * Create an operation source.
	 * @param defaults the defaults, limits and per-cache overrides
	 */
	public TierCacheOperationSource(TierCacheDefaults defaults) {
		this.parser = new TierCacheAnnotationParser(defaults);
	}

	/**
	 * The {@code @Cached} operation of a method.
	 * @param method the invoked method
	 * @param targetClass the class of the target object, or {@code null} for the
	 * declaring class
	 * @return the operation, or {@code null} if the method is not annotated
	 * @throws InvalidAnnotationException if the annotation is invalid
	 */
	public @Nullable CachedOperation getCachedOperation(Method method, @Nullable Class<?> targetClass) {
		return getOperations(method, targetClass).cached();
	}

	/**
	 * The {@code @InvalidatesTags} operation of a method.
	 * @param method the invoked method
	 * @param targetClass the class of the target object, or {@code null} for the
	 * declaring class
	 * @return the operation, or {@code null} if the method is not annotated
	 * @throws InvalidAnnotationException if the annotation is invalid
	 */
	public @Nullable InvalidatesTagsOperation getInvalidatesTagsOperation(Method method,
			@Nullable Class<?> targetClass) {
		return getOperations(method, targetClass).invalidatesTags();
	}

	/**
	 * Whether a method has any tiercache operation.
	 * @param method the invoked method
	 * @param targetClass the class of the target object, or {@code null} for the
	 * declaring class
	 * @return whether the method is annotated
	 * @throws InvalidAnnotationException if an annotation is invalid
	 */
	public boolean hasOperations(Method method, @Nullable Class<?> targetClass) {
		return getOperations(method, targetClass) != MethodOperations.NONE;
	}

	/**
	 * Whether any method of a class or of its interfaces has a tiercache operation.
	 * Parses all of them, so that an invalid annotation fails when a bean of this class
	 * is created rather than when the method is first called. The answer is cached per
	 * class.
	 * @param targetClass the class of a bean
	 * @return whether any of its methods is annotated
	 * @throws InvalidAnnotationException if an annotation is invalid
	 */
	public boolean hasOperations(Class<?> targetClass) {
		Boolean found = this.classCache.get(targetClass);
		if (found == null) {
			found = computeHasOperations(targetClass);
			this.classCache.put(targetClass, found);
		}
		return found;
	}

	/**
	 * The names of the caches that the {@code @Cached} methods parsed so far declare.
	 * Settings of a cache that no method declares are the defaults', whereas those of a
	 * declared cache start from its annotation.
	 * @return the cache names
	 */
	public Set<String> cacheNames() {
		return Set.copyOf(this.operationsByCacheName.keySet());
	}

	/**
	 * The {@code @Cached} operations parsed so far, one per method and target class.
	 * @return the operations
	 */
	public List<CachedOperation> cachedOperations() {
		return this.operationsCache.values()
			.stream()
			.map(MethodOperations::cached)
			.filter(Objects::nonNull)
			.distinct()
			.toList();
	}

	MethodOperations getOperations(Method method, @Nullable Class<?> targetClass) {
		MethodClassKey key = new MethodClassKey(method, targetClass);
		MethodOperations operations = this.operationsCache.get(key);
		if (operations == null) {
			// Not computeIfAbsent: parsing may be slow and must not hold a lock of the
			// map
			operations = computeOperations(method, targetClass);
			this.operationsCache.put(key, operations);
		}
		return operations;
	}

	private boolean computeHasOperations(Class<?> targetClass) {
		if (!isCandidateClass(targetClass)) {
			return false;
		}
		Set<Method> methods = new LinkedHashSet<>();
		if (!Proxy.isProxyClass(targetClass)) {
			ReflectionUtils.doWithMethods(ClassUtils.getUserClass(targetClass), methods::add,
					ReflectionUtils.USER_DECLARED_METHODS);
		}
		Set<Class<?>> interfaces = new LinkedHashSet<>();
		collectInterfaces(targetClass, interfaces);
		for (Class<?> candidate : interfaces) {
			if (isCandidateClass(candidate)) {
				for (Method method : candidate.getDeclaredMethods()) {
					if (ReflectionUtils.USER_DECLARED_METHODS.matches(method)) {
						methods.add(method);
					}
				}
			}
		}
		boolean found = false;
		for (Method method : methods) {
			// No short cut: every method is validated now
			found |= hasOperations(method, targetClass);
		}
		return found;
	}

	private static boolean isCandidateClass(Class<?> type) {
		String name = type.getName();
		return !(name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jakarta.")
				|| name.startsWith("org.springframework."));
	}

	private static void collectInterfaces(Class<?> type, Set<Class<?>> interfaces) {
		for (Class<?> candidate : type.getInterfaces()) {
			if (interfaces.add(candidate)) {
				collectInterfaces(candidate, interfaces);
			}
		}
		Class<?> superclass = type.getSuperclass();
		if (superclass != null) {
			collectInterfaces(superclass, interfaces);
		}
	}

	private MethodOperations computeOperations(Method method, @Nullable Class<?> targetClass) {
		if (method.getDeclaringClass() == Object.class) {
			return MethodOperations.NONE;
		}
		Method specificMethod = getMostSpecificMethod(method, targetClass);
		MethodOperations operations = this.parser.parseOperations(specificMethod, method,
				(targetClass != null) ? targetClass : specificMethod.getDeclaringClass());
		CachedOperation cached = operations.cached();
		if (cached != null) {
			registerCacheName(cached);
		}
		return operations;
	}

	private static Method getMostSpecificMethod(Method method, @Nullable Class<?> targetClass) {
		if (targetClass != null && Proxy.isProxyClass(targetClass)) {
			// A JDK proxy (a Spring Data repository) implements its methods in no class
			// of our own: the override to look at is in its most specific interface
			for (Class<?> candidate : targetClass.getInterfaces()) {
				if (method.getDeclaringClass().isAssignableFrom(candidate)) {
					Method override = ClassUtils.getMethodIfAvailable(candidate, method.getName(),
							method.getParameterTypes());
					if (override != null) {
						return BridgeMethodResolver.findBridgedMethod(override);
					}
				}
			}
			return BridgeMethodResolver.findBridgedMethod(method);
		}
		return AopUtils.getMostSpecificMethod(method, targetClass);
	}

	// Across target classes: methods sharing a cache share its entries, so their values
	// must be of one type
	private void registerCacheName(CachedOperation operation) {
		String name = operation.settings().name();
		CachedOperation existing = this.operationsByCacheName.putIfAbsent(name, operation);
		if (existing != null && !existing.valueType().equals(operation.valueType())) {
			String method = TierCacheAnnotationParser.describe(operation.method());
			String other = TierCacheAnnotationParser.describe(existing.method());
			throw TierCacheAnnotationParser.invalid("@Cached on " + method,
					"cache '" + name + "' returns " + operation.valueType().getTypeName() + " but " + other
							+ " returns " + existing.valueType().getTypeName()
							+ " from the same cache; methods sharing a cache share its entries, so give them distinct"
							+ " names",
					"Give the two methods distinct cache names with @Cached(name = ...), or make them return the "
							+ "same type.");
		}
		if (existing != null && !existing.keyRenderer().equals(operation.keyRenderer())) {
			String method = TierCacheAnnotationParser.describe(operation.method());
			String other = TierCacheAnnotationParser.describe(existing.method());
			throw TierCacheAnnotationParser.invalid("@Cached on " + method,
					"cache '" + name + "' is keyed by other parameter types than " + other
							+ "; methods sharing a cache share its entries, so their keys must be of the same types",
					"Give the two methods distinct cache names with @Cached(name = ...), or make their parameters "
							+ "(or key expressions) of the same types.");
		}
	}

}
