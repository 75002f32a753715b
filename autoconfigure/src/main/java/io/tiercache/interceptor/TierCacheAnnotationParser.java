package io.tiercache.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.KeyRenderer;
import io.tiercache.store.Jitter;
import org.jspecify.annotations.Nullable;

import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ReactiveAdapterRegistry;
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
import org.springframework.util.StringUtils;

/**
 * Parses {@link Cached @Cached} and {@link InvalidatesTags @InvalidatesTags} on one
 * method into {@link CachedOperation} and {@link InvalidatesTagsOperation}, and fails on
 * anything invalid with an {@link InvalidAnnotationException} naming the method, such as
 * {@code com.example.ProductService.findProduct(long)}, and what to change. It caches
 * nothing: {@link TierCacheOperationSource} decides which methods to parse and caches the
 * result.
 */
final class TierCacheAnnotationParser {

	private static final String RESULT_REFERENCE = "#result";

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final TierCacheDefaults defaults;

	// MIXED: expressions run interpreted first and compile once their types are stable
	private final SpelExpressionParser parser = new SpelExpressionParser(
			new SpelParserConfiguration(SpelCompilerMode.MIXED, null));

	TierCacheAnnotationParser(TierCacheDefaults defaults) {
		this.defaults = defaults;
	}

	/**
	 * Parse the annotations of a method.
	 * @param specificMethod the most specific method for the target class, the one a
	 * proxy intercepts
	 * @param method the invoked method, searched for an annotation the specific method
	 * lacks
	 * @param targetClass the class of the target object
	 * @return the operations, {@link MethodOperations#NONE} if the method has neither
	 * annotation
	 * @throws InvalidAnnotationException if an annotation is invalid
	 */
	MethodOperations parseOperations(Method specificMethod, Method method, Class<?> targetClass) {
		MergedAnnotation<Cached> cached = findAnnotation(specificMethod, method, Cached.class);
		MergedAnnotation<InvalidatesTags> invalidatesTags = findAnnotation(specificMethod, method,
				InvalidatesTags.class);
		if (!cached.isPresent() && !invalidatesTags.isPresent()) {
			return MethodOperations.NONE;
		}
		CachedOperation cachedOperation = cached.isPresent() ? parseCached(cached, specificMethod, targetClass) : null;
		InvalidatesTagsOperation invalidatesTagsOperation = invalidatesTags.isPresent()
				? parseInvalidatesTags(invalidatesTags, specificMethod, targetClass) : null;
		return new MethodOperations(cachedOperation, invalidatesTagsOperation);
	}

	private static <A extends Annotation> MergedAnnotation<A> findAnnotation(Method specificMethod, Method method,
			Class<A> type) {
		MergedAnnotation<A> annotation = findMergedAnnotation(specificMethod, type);
		if (annotation.isPresent() || specificMethod == method) {
			return annotation;
		}
		return findMergedAnnotation(BridgeMethodResolver.findBridgedMethod(method), type);
	}

	// As AnnotatedElementUtils.findMergedAnnotation, keeping the source: the default
	// cache name and the parameter names come from the method that declares the
	// annotation
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
			throw invalid(description, "a void method has no result to cache",
					"Return the value to cache, or remove @Cached; to drop entries when the method runs, use "
							+ "@InvalidatesTags.");
		}
		boolean async = returnType == CompletableFuture.class;
		if (!async && isAsynchronous(returnType)) {
			throw invalid(description,
					"return type " + returnType.getName()
							+ " is not supported: declare CompletableFuture<T> to cache an asynchronous result",
					"Declare the method to return CompletableFuture<T>, or the value itself, or remove @Cached.");
		}
		CacheSettings settings = resolveSettings(cached, method, description);
		Expression key = StringUtils.hasLength(cached.key()) ? parse(description, "key", cached.key(), false, method)
				: null;
		List<Expression> argumentTags = new ArrayList<>();
		List<Expression> resultTags = new ArrayList<>();
		for (String tag : cached.tags()) {
			Expression expression = parse(description, "tag", tag, true, method);
			(referencesResult(expression) ? resultTags : argumentTags).add(expression);
		}
		Expression condition = StringUtils.hasLength(cached.condition())
				? parse(description, "condition", cached.condition(), false, method) : null;
		Expression unless = StringUtils.hasLength(cached.unless())
				? parse(description, "unless", cached.unless(), true, method) : null;
		Type valueType = async ? ValueTypes.resolveFutureValueType(specificMethod, targetClass)
				: ValueTypes.resolveValueType(specificMethod, targetClass);
		KeyRenderer keys = (key != null) ? KeyRenderer.dynamic()
				: keyRenderer(specificMethod, targetClass, description);
		return new CachedOperation(method, targetClass, settings, valueType, keys, async, key, argumentTags, resultTags,
				condition, unless);
	}

	/**
	 * How the arguments render as a Redis key, decided from the parameter types: every
	 * one must render so that unequal arguments never share an entry.
	 */
	private static KeyRenderer keyRenderer(Method method, Class<?> targetClass, String description) {
		Parameter[] parameters = method.getParameters();
		List<KeyRenderer> renderers = new ArrayList<>(parameters.length);
		for (int i = 0; i < parameters.length; i++) {
			try {
				renderers.add(KeyRenderer.forType(ValueTypes.resolveParameterType(method, i, targetClass)));
			}
			catch (IllegalArgumentException ex) {
				String reference = parameters[i].isNamePresent() ? "#" + parameters[i].getName() : "#p" + i;
				String fix = "Make its type a record of value types, or say what identifies it with a key expression,"
						+ " such as key = \"" + reference + ".id\"";
				throw invalid(description,
						"parameter " + reference + " cannot be part of a cache key: " + ex.getMessage() + ". " + fix,
						fix + ".");
			}
		}
		return (renderers.size() == 1) ? KeyRenderer.single(renderers.get(0)) : KeyRenderer.composite(renderers);
	}

	private InvalidatesTagsOperation parseInvalidatesTags(MergedAnnotation<InvalidatesTags> annotation,
			Method specificMethod, Class<?> targetClass) {
		Method method = (Method) annotation.getSource();
		String description = "@InvalidatesTags on " + describe(method);
		checkInterceptable("@InvalidatesTags", specificMethod);
		String[] tags = annotation.synthesize().value();
		if (tags.length == 0) {
			throw invalid(description, "no tags are given, so nothing would ever be invalidated",
					"Name the tags to invalidate, such as @InvalidatesTags(\"'product:' + #id\"), or remove the "
							+ "annotation.");
		}
		boolean returnsNothing = specificMethod.getReturnType() == void.class;
		List<Expression> expressions = new ArrayList<>(tags.length);
		for (String tag : tags) {
			Expression expression = parse(description, "tag", tag, true, method);
			if (returnsNothing && referencesResult(expression)) {
				throw invalid(description,
						"tag expression '" + tag
								+ "' uses #result but the method returns void, so the tag would never be invalidated",
						"Build the tag from the arguments (#p0, or the parameter's name), or return the value "
								+ "the tag needs.");
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
					"the method is " + modifier + ", so a proxy cannot intercept it",
					"Make the method " + (modifier.equals("private") ? "public" : "not " + modifier)
							+ " and call it through the bean, or remove " + annotation + ".");
		}
	}

	private static boolean isAsynchronous(Class<?> returnType) {
		return Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)
				|| ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType) != null;
	}

	private CacheSettings resolveSettings(Cached cached, Method method, String description) {
		String name = StringUtils.hasText(cached.name()) ? cached.name() : defaultName(method, description);
		CacheSettings declared;
		try {
			Duration ttl = StringUtils.hasText(cached.ttl()) ? Durations.parse("ttl", cached.ttl())
					: this.defaults.defaultTtl();
			Jitter jitter = StringUtils.hasText(cached.jitter()) ? Durations.parseJitter(cached.jitter())
					: this.defaults.defaultJitter();
			Duration nullTtl = StringUtils.hasText(cached.nullTtl()) ? Durations.parse("nullTtl", cached.nullTtl())
					: null;
			Duration staleWhileRevalidate = StringUtils.hasText(cached.staleWhileRevalidate())
					? Durations.parse("staleWhileRevalidate", cached.staleWhileRevalidate()) : Duration.ZERO;
			declared = new CacheSettings(name, ttl, jitter, nullTtl, cached.local(), true, staleWhileRevalidate);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(description, ex.getMessage(), "Write ttl, nullTtl and staleWhileRevalidate as durations "
					+ "such as \"10m\", \"30s\" or \"PT1H\", and jitter as such a duration or a percentage such as "
					+ "\"10%\", none of them negative.");
		}
		try {
			CacheSettings settings = this.defaults.overrides().apply(declared);
			settings.validate(this.defaults.maxTtl());
			return settings;
		}
		catch (CacheSettings.InvalidSettingsException ex) {
			// Named: the settings may come from tiercache.caches.<name>.* or a customizer
			List<String> origins = origins(cached, declared, ex.settings());
			throw invalid(description + " of cache '" + name + "'", ex.getMessage() + ex.origins(origins),
					ex.action(origins));
		}
		catch (IllegalArgumentException ex) {
			// The overrides failed: a customizer returned null or renamed the cache
			throw invalid(description + " of cache '" + name + "'", ex.getMessage(),
					"Change what overrides the settings of cache '" + name
							+ "' (a TierCacheCustomizer) so that it returns settings of that cache, never null.");
		}
	}

	/**
	 * Where each setting a failed check names came from, such as
	 * {@code tiercache.caches.products.jitter} and {@code @Cached(ttl = "10m")}, so that
	 * the message names what to change.
	 */
	private List<String> origins(Cached cached, CacheSettings declared, List<String> names) {
		CacheSettings settings = this.defaults.overrides().apply(declared);
		List<String> origins = new ArrayList<>(names.size());
		for (String setting : names) {
			String origin = null;
			if (this.defaults.overrides() instanceof SettingOrigins overrides) {
				origin = overrides.overriddenBy(declared, setting);
			}
			else if (!Objects.equals(value(declared, setting), value(settings, setting))) {
				origin = "the per-cache overrides";
			}
			origins.add((origin != null) ? origin : declaredOrigin(cached, setting));
		}
		return origins;
	}

	private static @Nullable Object value(CacheSettings settings, String setting) {
		return switch (setting) {
			case CacheSettings.TTL -> settings.ttl();
			case CacheSettings.JITTER -> settings.jitter();
			case CacheSettings.NULL_TTL -> settings.nullTtl();
			case CacheSettings.STALE_WHILE_REVALIDATE -> settings.staleWhileRevalidate();
			default -> null;
		};
	}

	private static String declaredOrigin(Cached cached, String setting) {
		return switch (setting) {
			case CacheSettings.TTL ->
				StringUtils.hasText(cached.ttl()) ? attribute("ttl", cached.ttl()) : "tiercache.default-ttl";
			case CacheSettings.JITTER -> StringUtils.hasText(cached.jitter()) ? attribute("jitter", cached.jitter())
					: "tiercache.default-jitter";
			case CacheSettings.NULL_TTL -> attribute("nullTtl", cached.nullTtl());
			case CacheSettings.STALE_WHILE_REVALIDATE ->
				attribute("staleWhileRevalidate", cached.staleWhileRevalidate());
			default -> "the annotation";
		};
	}

	private static String attribute(String name, String value) {
		return "@Cached(" + name + " = \"" + value + "\")";
	}

	/**
	 * {@code ProductService.find}, or {@code ProductService.find(long)} when another
	 * method of that name in the class is {@code @Cached} with the default name too:
	 * overloads must never share entries ({@code find(42L)} and {@code find("42")}),
	 * while a method that is not overloaded keeps the name its metrics and
	 * {@code tiercache.caches.<name>.*} already use.
	 */
	private String defaultName(Method method, String description) {
		String plain = method.getDeclaringClass().getSimpleName() + "." + method.getName();
		if (!isOverloadedCachedMethod(method)) {
			return plain;
		}
		String name = plain + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(",", "(", ")"));
		if (this.defaults.overrides() instanceof SettingOrigins origins && origins.configures(plain)) {
			// Those properties would silently apply to no cache of these methods
			String fix = "set tiercache.caches[" + name + "].* instead, or name the cache with @Cached(name = ...)";
			throw invalid(description,
					"tiercache.caches." + plain + " is set, but overloaded methods of " + plain
							+ " each have a cache of their own, named with their parameter types, this one '" + name
							+ "': " + fix,
					StringUtils.capitalize(fix) + ".");
		}
		return name;
	}

	private static boolean isOverloadedCachedMethod(Method method) {
		for (Method other : method.getDeclaringClass().getDeclaredMethods()) {
			if (!other.equals(method) && other.getName().equals(method.getName()) && !other.isBridge()
					&& !other.isSynthetic()) {
				MergedAnnotation<Cached> cached = findMergedAnnotation(other, Cached.class);
				if (cached.isPresent() && !StringUtils.hasText(cached.getString("name"))) {
					return true;
				}
			}
		}
		return false;
	}

	private Expression parse(String description, String attribute, String text, boolean resultAllowed, Method method) {
		if (!StringUtils.hasText(text)) {
			throw invalid(description, attribute + " expression must not be empty",
					"Write the " + attribute + " expression, or leave the attribute out.");
		}
		Expression expression;
		try {
			expression = this.parser.parseExpression(text);
		}
		catch (ParseException ex) {
			throw invalid(description, attribute + " expression '" + text + "' cannot be parsed: " + ex.getMessage(),
					"Correct the " + attribute + " expression: it is SpEL over the arguments, such as "
							+ "\"'product:' + #id\".");
		}
		if (!resultAllowed && referencesResult(expression)) {
			throw invalid(description,
					attribute + " expression '" + text
							+ "' must not use #result: it is evaluated before the method runs",
					"Build the " + attribute + " from the arguments only; decide on the result with unless.");
		}
		if (expression instanceof SpelExpression spel) {
			checkVariables(description, attribute, text, spel.getAST(), method);
		}
		return expression;
	}

	/**
	 * Every variable an expression names must be one the evaluation defines: a misspelt
	 * or unknown name would evaluate to {@code null} and make every call share one key or
	 * tag.
	 */
	private static void checkVariables(String description, String attribute, String text, SpelNode node,
			Method method) {
		if (node instanceof VariableReference) {
			String name = node.toStringAST().substring(1);
			if (!isDefined(name, method)) {
				String[] names = parameterNames.getParameterNames(method);
				String parameters = (names != null)
						? Arrays.stream(names).map((n) -> "#" + n).collect(Collectors.joining(", ")) : null;
				String problem = (parameters == null)
						? "parameter names are not available: compile with -parameters (as Spring Boot's build plugins"
								+ " do) or refer to arguments as #p0, #p1, ..."
						: "no parameter of the method is called " + name + "; its parameters are " + parameters
								+ " (or #p0, #p1, ...)";
				String action = (parameters == null)
						? "Compile with -parameters, or refer to the arguments as #p0, #p1, ... in the expression."
						: "Refer to an argument as one of " + parameters + ", or as #p0, #p1, ...";
				throw invalid(description, attribute + " expression '" + text + "' uses #" + name + ", but " + problem,
						action);
			}
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			checkVariables(description, attribute, text, node.getChild(i), method);
		}
	}

	private static boolean isDefined(String name, Method method) {
		if (name.equals("root") || name.equals("this") || name.equals("result")) {
			return true;
		}
		if (name.length() > 1 && (name.charAt(0) == 'p' || name.charAt(0) == 'a')
				&& name.substring(1).chars().allMatch(Character::isDigit) && name.length() < 6) {
			return Integer.parseInt(name.substring(1)) < method.getParameterCount();
		}
		String[] names = parameterNames.getParameterNames(method);
		return names != null && Arrays.asList(names).contains(name);
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
	 * The failure of an invalid annotation.
	 * @param description the annotation and the method, such as
	 * {@code @Cached on com.example.ProductService.findProduct(long)}
	 * @param problem what is wrong
	 * @param action what to change
	 * @return the exception to throw
	 */
	static InvalidAnnotationException invalid(String description, @Nullable String problem, String action) {
		return new InvalidAnnotationException(description, String.valueOf(problem), action);
	}

	/**
	 * Describe a method as {@code com.example.ProductService.findProduct(long)}.
	 */
	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

}
