package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;

import io.tiercache.store.CacheSettings;
import io.tiercache.store.CacheTags;
import io.tiercache.store.CompositeKey;
import io.tiercache.store.KeyRenderer;
import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

/**
 * What {@link io.tiercache.annotation.Cached @Cached} asks of one method of one target
 * class, parsed once: effective settings, value type, key function and pre-parsed
 * expressions.
 * <p>
 * Tag expressions are split by whether they use {@code #result}: those that do not are
 * known before the method runs (the store registers them before loading, so that a
 * concurrent invalidation is always seen), the others only once it has returned.
 *
 * @since 0.1.0
 */
public final class CachedOperation {

	private static final KeyFunction NO_ARGUMENTS = (args, evaluation) -> CompositeKey.EMPTY;

	private static final KeyFunction SINGLE_ARGUMENT = (args, evaluation) -> keyOf(args[0]);

	private static final KeyFunction ALL_ARGUMENTS = (args, evaluation) -> new CompositeKey(args);

	private final Method method;

	private final Class<?> targetClass;

	private final CacheSettings settings;

	private final String cacheTag;

	private final Type valueType;

	private final KeyRenderer keyRenderer;

	private final boolean async;

	private final @Nullable Expression keyExpression;

	private final KeyFunction keyFunction;

	private final List<Expression> argumentTagExpressions;

	private final List<Expression> resultTagExpressions;

	private final @Nullable Expression condition;

	private final @Nullable Expression unless;

	CachedOperation(Method method, Class<?> targetClass, CacheSettings settings, Type valueType,
			KeyRenderer keyRenderer, boolean async, @Nullable Expression keyExpression,
			List<Expression> argumentTagExpressions, List<Expression> resultTagExpressions,
			@Nullable Expression condition, @Nullable Expression unless) {
		this.method = method;
		this.targetClass = targetClass;
		this.settings = settings;
		this.cacheTag = CacheTags.cache(settings.name());
		this.valueType = valueType;
		this.keyRenderer = keyRenderer;
		this.async = async;
		this.keyExpression = keyExpression;
		this.keyFunction = (keyExpression != null) ? expressionKey(keyExpression)
				: defaultKey(method.getParameterCount());
		this.argumentTagExpressions = List.copyOf(argumentTagExpressions);
		this.resultTagExpressions = List.copyOf(resultTagExpressions);
		this.condition = condition;
		this.unless = unless;
	}

	private static KeyFunction defaultKey(int parameterCount) {
		return switch (parameterCount) {
			case 0 -> NO_ARGUMENTS;
			case 1 -> SINGLE_ARGUMENT;
			default -> ALL_ARGUMENTS;
		};
	}

	private static KeyFunction expressionKey(Expression expression) {
		return (args, evaluation) -> keyOf(Objects.requireNonNull(evaluation, "evaluation").evaluate(expression));
	}

	/**
	 * The key of a single value: the value itself, except that {@code null} and arrays
	 * (whose {@code equals} is identity) are wrapped.
	 */
	static Object keyOf(@Nullable Object value) {
		if (value == null) {
			return CompositeKey.NULL;
		}
		return value.getClass().isArray() ? new CompositeKey(value) : value;
	}

	/**
	 * The method that declares the annotation. Expressions use its parameter names.
	 * @return the annotated method
	 */
	public Method method() {
		return this.method;
	}

	/**
	 * The class whose instances the method is invoked on, against which generic types are
	 * resolved.
	 * @return the target class
	 */
	public Class<?> targetClass() {
		return this.targetClass;
	}

	/**
	 * The effective settings: annotation attributes, then defaults, then per-cache
	 * overrides.
	 * @return the settings
	 */
	public CacheSettings settings() {
		return this.settings;
	}

	/**
	 * The tag every entry of this operation's cache carries, so that the whole cache can
	 * be invalidated on every instance ({@link CacheTags#cache(String)}).
	 * @return the cache tag
	 */
	public String cacheTag() {
		return this.cacheTag;
	}

	/**
	 * The declared return type with every type variable resolved against the target
	 * class, such as {@code Optional<Product>} for {@code Optional<T> findById(ID)} of a
	 * {@code CrudRepository<Product, Long>}: a {@link Class} or a
	 * {@link java.lang.reflect.ParameterizedType}.
	 * @return the value type
	 */
	public Type valueType() {
		return this.valueType;
	}

	/**
	 * Whether the method returns {@code CompletableFuture<T>}: then {@link #valueType()}
	 * is {@code T}, and the value the future completes with is cached.
	 * @return whether the result is asynchronous
	 */
	/** How its keys render as Redis keys, decided from its parameter types. */
	public KeyRenderer keyRenderer() {
		return this.keyRenderer;
	}

	public boolean async() {
		return this.async;
	}

	/**
	 * The key expression, or {@code null} when the key is made of the arguments.
	 * @return the key expression
	 */
	public @Nullable Expression keyExpression() {
		return this.keyExpression;
	}

	/**
	 * Tag expressions that do not use {@code #result}, evaluated before the method runs.
	 * @return the argument tag expressions
	 */
	public List<Expression> argumentTagExpressions() {
		return this.argumentTagExpressions;
	}

	/**
	 * Tag expressions that use {@code #result}, evaluated after the method has returned.
	 * @return the result tag expressions
	 */
	public List<Expression> resultTagExpressions() {
		return this.resultTagExpressions;
	}

	/**
	 * The condition under which the cache is used, or {@code null} for always.
	 * @return the condition expression
	 */
	public @Nullable Expression condition() {
		return this.condition;
	}

	/**
	 * The expression that vetoes storing a result, or {@code null} for never.
	 * @return the unless expression
	 */
	public @Nullable Expression unless() {
		return this.unless;
	}

	/**
	 * Whether an expression must be evaluated before the cache can be looked up, which is
	 * what forces an evaluation context on the hit path.
	 */
	boolean needsEvaluationBeforeLookup() {
		return this.keyExpression != null || this.condition != null;
	}

	/**
	 * Compute the key of one invocation.
	 * @param args the invocation arguments
	 * @param evaluation the evaluation of this invocation; never {@code null} when
	 * {@link #needsEvaluationBeforeLookup()}
	 * @return the key
	 */
	Object generateKey(@Nullable Object[] args, @Nullable InvocationEvaluation evaluation) {
		return this.keyFunction.apply(args, evaluation);
	}

	@Override
	public String toString() {
		return "CachedOperation[" + TierCacheAnnotationParser.describe(this.method) + " -> " + this.settings.name()
				+ "]";
	}

	@FunctionalInterface
	private interface KeyFunction {

		Object apply(@Nullable Object[] args, @Nullable InvocationEvaluation evaluation);

	}

}
