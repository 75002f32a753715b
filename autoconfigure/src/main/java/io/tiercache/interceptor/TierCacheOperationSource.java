package io.tiercache.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotationSelectors;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Parses {@link Cached @Cached} and {@link InvalidatesTags @InvalidatesTags} into
 * {@link CachedOperation} and {@link InvalidatesTagsOperation}, once per method and target
 * class, and fails fast on anything invalid.
 * <p>
 * Annotations are looked up on the most specific method and, failing that, on the invoked
 * method, searching superclasses and interfaces: annotations on repository interface methods
 * are found although Spring Data repositories are JDK proxies. Every problem is reported as an
 * {@link IllegalStateException} naming the method, such as
 * {@code com.example.ProductService.findProduct(long)}.
 *
 * @since 0.1.0
 */
public class TierCacheOperationSource {

	private static final MethodOperations NONE = new MethodOperations(null, null);

	private static final String RESULT_REFERENCE = "#result";

	private final TierCacheDefaults defaults;

	// MIXED: expressions run interpreted first and compile once their types are stable
	private final SpelExpressionParser parser = new SpelExpressionParser(
			new SpelParserConfiguration(SpelCompilerMode.MIXED, null));

	private final Map<MethodClassKey, MethodOperations> operationsCache = new ConcurrentHashMap<>(1024);

	private final Map<Class<?>, Boolean> classCache = new ConcurrentHashMap<>(256);

	private final Map<String, CachedOperation> operationsByCacheName = new ConcurrentHashMap<>();

	/**
	 * Create an operation source.
	 * @param defaults the defaults, limits and per-cache overrides
	 */
	public TierCacheOperationSource(TierCacheDefaults defaults) {
		this.defaults = defaults;
	}

	/**
	 * The {@code @Cached} operation of a method.
	 * @param method the invoked method
	 * @param targetClass the class of the target object, or {@code null} for the declaring class
	 * @return the operation, or {@code null} if the method is not annotated
	 * @throws IllegalStateException if the annotation is invalid
	 */
	public @Nullable CachedOperation getCachedOperation(Method method, @Nullable Class<?> targetClass) {
		return getOperations(method, targetClass).cached();
	}

	/**
	 * The {@code @InvalidatesTags} operation of a method.
	 * @param method the invoked method
	 * @param targetClass the class of the target object, or {@code null} for the declaring class
	 * @return the operation, or {@code null} if the method is not annotated
	 * @throws IllegalStateException if the annotation is invalid
	 */
	public @Nullable InvalidatesTagsOperation getInvalidatesTagsOperation(Method method,
			@Nullable Class<?> targetClass) {
		return getOperations(method, targetClass).invalidatesTags();
	}

	/**
	 * Whether a method has any tiercache operation.
	 * @param method the invoked method
	 * @param targetClass the class of the target object, or {@code null} for the declaring class
	 * @return whether the method is annotated
	 * @throws IllegalStateException if an annotation is invalid
	 */
	public boolean hasOperations(Method method, @Nullable Class<?> targetClass) {
		return getOperations(method, targetClass) != NONE;
	}

	/**
	 * Whether any method of a class or of its interfaces has a tiercache operation. Parses all
	 * of them, so that an invalid annotation fails when a bean of this class is created rather
	 * than when the method is first called. The answer is cached per class.
	 * @param targetClass the class of a bean
	 * @return whether any of its methods is annotated
	 * @throws IllegalStateException if an annotation is invalid
	 */
	public boolean hasOperations(Class<?> targetClass) {
		Boolean found = this.classCache.get(targetClass);
		if (found == null) {
			found = computeHasOperations(targetClass);
			this.classCache.put(targetClass, found);
		}
		return found;
	}

	MethodOperations getOperations(Method method, @Nullable Class<?> targetClass) {
		MethodClassKey key = new MethodClassKey(method, targetClass);
		MethodOperations operations = this.operationsCache.get(key);
		if (operations == null) {
			// Not computeIfAbsent: parsing may be slow and must not hold a lock of the map
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
			return NONE;
		}
		Method specificMethod = getMostSpecificMethod(method, targetClass);
		MergedAnnotation<Cached> cached = findAnnotation(specificMethod, method, Cached.class);
		MergedAnnotation<InvalidatesTags> invalidatesTags = findAnnotation(specificMethod, method,
				InvalidatesTags.class);
		if (!cached.isPresent() && !invalidatesTags.isPresent()) {
			return NONE;
		}
		Class<?> resolvedTargetClass = (targetClass != null) ? targetClass : specificMethod.getDeclaringClass();
		CachedOperation cachedOperation = cached.isPresent()
				? parseCached(cached, specificMethod, resolvedTargetClass) : null;
		InvalidatesTagsOperation invalidatesTagsOperation = invalidatesTags.isPresent()
				? parseInvalidatesTags(invalidatesTags, specificMethod, resolvedTargetClass) : null;
		if (cachedOperation != null) {
			registerCacheName(cachedOperation);
		}
		return new MethodOperations(cachedOperation, invalidatesTagsOperation);
	}

	private static Method getMostSpecificMethod(Method method, @Nullable Class<?> targetClass) {
		if (targetClass != null && Proxy.isProxyClass(targetClass)) {
			// A JDK proxy (a Spring Data repository) implements its methods in no class of our
			// own: the override to look at is in its most specific interface
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

	private static <A extends Annotation> MergedAnnotation<A> findAnnotation(Method specificMethod, Method method,
			Class<A> type) {
		MergedAnnotation<A> annotation = findMergedAnnotation(specificMethod, type);
		if (annotation.isPresent() || specificMethod == method) {
			return annotation;
		}
		return findMergedAnnotation(BridgeMethodResolver.findBridgedMethod(method), type);
	}

	// As AnnotatedElementUtils.findMergedAnnotation, keeping the source: the default cache name
	// and the parameter names come from the method that declares the annotation
	private static <A extends Annotation> MergedAnnotation<A> findMergedAnnotation(Method method, Class<A> type) {
		return MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY, RepeatableContainers.none())
			.get(type, null, MergedAnnotationSelectors.firstDirectlyDeclared());
	}

	private CachedOperation parseCached(MergedAnnotation<Cached> annotation, Method specificMethod,
			Class<?> targetClass) {
		Method method = (Method) annotation.getSource();
		Cached cached = annotation.synthesize();
		String description = "@Cached on " + describe(method);
		checkInterceptable("@Cached", specificMethod);
		Class<?> returnType = specificMethod.getReturnType();
		if (returnType == void.class || returnType == Void.class) {
			throw invalid(description, "a void method has no result to cache");
		}
		boolean async = returnType == CompletableFuture.class;
		if (!async && isAsynchronous(returnType)) {
			throw invalid(description, "return type " + returnType.getName()
					+ " is not supported: declare CompletableFuture<T> to cache an asynchronous result");
		}
		CacheSettings settings = resolveSettings(cached, method, description);
		Expression key = StringUtils.hasLength(cached.key()) ? parse(description, "key", cached.key(), false) : null;
		List<Expression> argumentTags = new ArrayList<>();
		List<Expression> resultTags = new ArrayList<>();
		for (String tag : cached.tags()) {
			Expression expression = parse(description, "tag", tag, true);
			(referencesResult(expression) ? resultTags : argumentTags).add(expression);
		}
		Expression condition = StringUtils.hasLength(cached.condition())
				? parse(description, "condition", cached.condition(), false) : null;
		Expression unless = StringUtils.hasLength(cached.unless())
				? parse(description, "unless", cached.unless(), true) : null;
		Type valueType = async ? resolveFutureValueType(specificMethod, targetClass)
				: resolveValueType(specificMethod, targetClass);
		return new CachedOperation(method, targetClass, settings, valueType, async, key, argumentTags, resultTags,
				condition, unless);
	}

	private InvalidatesTagsOperation parseInvalidatesTags(MergedAnnotation<InvalidatesTags> annotation,
			Method specificMethod, Class<?> targetClass) {
		Method method = (Method) annotation.getSource();
		String description = "@InvalidatesTags on " + describe(method);
		checkInterceptable("@InvalidatesTags", specificMethod);
		String[] tags = annotation.synthesize().value();
		if (tags.length == 0) {
			throw invalid(description, "no tags are given, so nothing would ever be invalidated");
		}
		boolean returnsNothing = specificMethod.getReturnType() == void.class;
		List<Expression> expressions = new ArrayList<>(tags.length);
		for (String tag : tags) {
			Expression expression = parse(description, "tag", tag, true);
			if (returnsNothing && referencesResult(expression)) {
				throw invalid(description, "tag expression '" + tag
						+ "' uses #result but the method returns void, so the tag would never be invalidated");
			}
			expressions.add(expression);
		}
		return new InvalidatesTagsOperation(method, targetClass, expressions);
	}

	private static void checkInterceptable(String annotation, Method method) {
		int modifiers = method.getModifiers();
		String modifier = Modifier.isPrivate(modifiers) ? "private"
				: Modifier.isStatic(modifiers) ? "static" : Modifier.isFinal(modifiers) ? "final" : null;
		if (modifier != null) {
			throw invalid(annotation + " on " + describe(method),
					"the method is " + modifier + ", so a proxy cannot intercept it");
		}
	}

	private static boolean isAsynchronous(Class<?> returnType) {
		return Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)
				|| ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType) != null;
	}

	private CacheSettings resolveSettings(Cached cached, Method method, String description) {
		String name = StringUtils.hasText(cached.name()) ? cached.name()
				: method.getDeclaringClass().getSimpleName() + "." + method.getName();
		CacheSettings settings;
		try {
			Duration ttl = StringUtils.hasText(cached.ttl()) ? Jitter.parseDuration("ttl", cached.ttl())
					: this.defaults.defaultTtl();
			Jitter jitter = StringUtils.hasText(cached.jitter()) ? Jitter.parse(cached.jitter())
					: this.defaults.defaultJitter();
			Duration nullTtl = StringUtils.hasText(cached.nullTtl()) ? Jitter.parseDuration("nullTtl", cached.nullTtl())
					: null;
			Duration staleWhileRevalidate = StringUtils.hasText(cached.staleWhileRevalidate())
					? Jitter.parseDuration("staleWhileRevalidate", cached.staleWhileRevalidate()) : Duration.ZERO;
			settings = this.defaults.overrides()
				.apply(new CacheSettings(name, ttl, jitter, nullTtl, cached.local(), true, staleWhileRevalidate));
		}
		catch (IllegalArgumentException ex) {
			throw invalid(description, ex.getMessage());
		}
		validate(settings, description);
		return settings;
	}

	private void validate(CacheSettings settings, String description) {
		// Settings may come from tiercache.caches.<name>.* as well as from the annotation
		String cache = " of cache '" + settings.name() + "'";
		Duration ttl = settings.ttl();
		Duration maxTtl = this.defaults.maxTtl();
		if (ttl.isZero() || ttl.isNegative()) {
			throw invalid(description, "ttl " + ttl + cache + " must be greater than zero");
		}
		if (ttl.compareTo(maxTtl) > 0) {
			throw invalid(description, "ttl " + ttl + cache + " exceeds tiercache.max-ttl " + maxTtl);
		}
		if (ttl.plus(settings.staleWhileRevalidate()).compareTo(maxTtl) > 0) {
			throw invalid(description, "ttl " + ttl + " plus staleWhileRevalidate " + settings.staleWhileRevalidate()
					+ cache + " exceeds tiercache.max-ttl " + maxTtl);
		}
		Duration nullTtl = settings.nullTtl();
		if (nullTtl != null && nullTtl.compareTo(maxTtl) > 0) {
			throw invalid(description, "nullTtl " + nullTtl + cache + " exceeds tiercache.max-ttl " + maxTtl);
		}
		if (settings.jitter().exceeds(ttl)) {
			throw invalid(description, "jitter " + settings.jitter() + cache + " exceeds its ttl " + ttl);
		}
	}

	private Expression parse(String description, String attribute, String text, boolean resultAllowed) {
		if (!StringUtils.hasText(text)) {
			throw invalid(description, attribute + " expression must not be empty");
		}
		Expression expression;
		try {
			expression = this.parser.parseExpression(text);
		}
		catch (ParseException ex) {
			throw invalid(description, attribute + " expression '" + text + "' cannot be parsed: " + ex.getMessage());
		}
		if (!resultAllowed && referencesResult(expression)) {
			throw invalid(description, attribute + " expression '" + text
					+ "' must not use #result: it is evaluated before the method runs");
		}
		return expression;
	}

	static boolean referencesResult(Expression expression) {
		return expression instanceof SpelExpression spel && referencesResult(spel.getAST());
	}

	private static boolean referencesResult(SpelNode node) {
		if (node instanceof VariableReference && RESULT_REFERENCE.equals(node.toStringAST())) {
			return true;
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			if (referencesResult(node.getChild(i))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The return type with its type variables resolved against the target class. Every
	 * parameterized type is rebuilt, so that value types compare and hash consistently.
	 */
	static Type resolveValueType(Method method, Class<?> targetClass) {
		return toType(ResolvableType.forMethodReturnType(method, targetClass));
	}

	/** The {@code T} of a method returning {@code CompletableFuture<T>}. */
	static Type resolveFutureValueType(Method method, Class<?> targetClass) {
		ResolvableType value = ResolvableType.forMethodReturnType(method, targetClass).getGeneric(0);
		return (value == ResolvableType.NONE) ? Object.class : toType(value);
	}

	private static Type toType(ResolvableType type) {
		Class<?> rawType = type.toClass();
		if (type.isArray() || !type.hasGenerics()) {
			return rawType;
		}
		ResolvableType[] generics = type.getGenerics();
		ResolvableType[] resolved = new ResolvableType[generics.length];
		for (int i = 0; i < generics.length; i++) {
			resolved[i] = ResolvableType.forType(toType(generics[i]));
		}
		return ResolvableType.forClassWithGenerics(rawType, resolved).getType();
	}

	private void registerCacheName(CachedOperation operation) {
		String name = operation.settings().name();
		CachedOperation existing = this.operationsByCacheName.putIfAbsent(name, operation);
		if (existing != null && !existing.valueType().equals(operation.valueType())) {
			throw invalid("@Cached on " + describe(operation.method()),
					"cache '" + name + "' returns " + operation.valueType().getTypeName() + " but "
							+ describe(existing.method()) + " returns " + existing.valueType().getTypeName()
							+ " from the same cache; methods sharing a cache share its entries, so give them distinct names");
		}
	}

	private static IllegalStateException invalid(String description, @Nullable String problem) {
		return new IllegalStateException("Invalid " + description + ": " + problem);
	}

	/**
	 * Describe a method as {@code com.example.ProductService.findProduct(long)}.
	 */
	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

	/**
	 * The operations of one method of one target class.
	 */
	record MethodOperations(@Nullable CachedOperation cached, @Nullable InvalidatesTagsOperation invalidatesTags) {

	}

}
