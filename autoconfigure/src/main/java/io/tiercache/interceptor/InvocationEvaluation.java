package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.Expression;
import org.springframework.util.ObjectUtils;

/**
 * Evaluates the expressions of one operation for one invocation. The evaluation context
 * is created on first use, so an invocation that needs no expression allocates none.
 * <p>
 * {@code #result} is the returned value, unwrapped when it is an
 * {@link java.util.Optional} ({@code null} when empty), as in Spring's cache annotations.
 */
final class InvocationEvaluation {

	private static final ParameterNameDiscoverer parameterNameDiscoverer = new DefaultParameterNameDiscoverer();

	private static final String RESULT_VARIABLE = "result";

	private final Method method;

	private final @Nullable Object[] args;

	private final @Nullable Object target;

	private final Class<?> targetClass;

	private final @Nullable BeanResolver beanResolver;

	private @Nullable MethodBasedEvaluationContext context;

	/**
	 * Create an evaluation.
	 * @param method the method that declares the annotation, whose parameter names
	 * expressions use
	 * @param args the invocation arguments
	 * @param target the target object
	 * @param targetClass the target class
	 * @param beanResolver resolves {@code @bean} references, if a bean factory is
	 * available
	 */
	InvocationEvaluation(Method method, @Nullable Object[] args, @Nullable Object target, Class<?> targetClass,
			@Nullable BeanResolver beanResolver) {
		this.method = method;
		this.args = args;
		this.target = target;
		this.targetClass = targetClass;
		this.beanResolver = beanResolver;
	}

	@Nullable Object evaluate(Expression expression) {
		return expression.getValue(getContext());
	}

	@Nullable Object evaluate(Expression expression, @Nullable Object result) {
		return expression.getValue(getContext(result));
	}

	boolean isTrue(Expression expression) {
		return Boolean.TRUE.equals(expression.getValue(getContext(), Boolean.class));
	}

	boolean isTrue(Expression expression, @Nullable Object result) {
		return Boolean.TRUE.equals(expression.getValue(getContext(result), Boolean.class));
	}

	/**
	 * Add the tags of a tag expression that does not use {@code #result}.
	 * @param expression the tag expression
	 * @param tags where to add them
	 * @return whether the expression, or an element of what it yielded, was {@code null}
	 * (and added nothing): a {@code null} names no tag
	 */
	boolean addTags(Expression expression, Collection<String> tags) {
		return addTags(evaluate(expression), tags);
	}

	/**
	 * Add the tags of a tag expression that may use {@code #result}.
	 * @param expression the tag expression
	 * @param result the value the method returned
	 * @param tags where to add them
	 * @return whether a {@code null} was skipped
	 */
	boolean addTags(Expression expression, @Nullable Object result, Collection<String> tags) {
		return addTags(evaluate(expression, result), tags);
	}

	private static boolean addTags(@Nullable Object value, Collection<String> tags) {
		if (value == null) {
			return true;
		}
		if (value instanceof Collection<?> collection) {
			return addAll(collection, tags);
		}
		if (value.getClass().isArray()) {
			return addAll(Arrays.asList(ObjectUtils.toObjectArray(value)), tags);
		}
		tags.add(String.valueOf(value));
		return false;
	}

	private static boolean addAll(Collection<?> values, Collection<String> tags) {
		boolean skipped = false;
		for (Object value : values) {
			if (value != null) {
				tags.add(String.valueOf(value));
			}
			else {
				skipped = true;
			}
		}
		return skipped;
	}

	private MethodBasedEvaluationContext getContext(@Nullable Object result) {
		MethodBasedEvaluationContext context = getContext();
		context.setVariable(RESULT_VARIABLE, ObjectUtils.unwrapOptional(result));
		return context;
	}

	private MethodBasedEvaluationContext getContext() {
		MethodBasedEvaluationContext context = this.context;
		if (context == null) {
			TierCacheExpressionRootObject root = new TierCacheExpressionRootObject(this.method, this.args, this.target,
					this.targetClass);
			context = new MethodBasedEvaluationContext(root, this.method, this.args, parameterNameDiscoverer);
			if (this.beanResolver != null) {
				context.setBeanResolver(this.beanResolver);
			}
			this.context = context;
		}
		return context;
	}

}
