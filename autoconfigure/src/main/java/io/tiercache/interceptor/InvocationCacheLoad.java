package io.tiercache.interceptor;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import io.tiercache.store.CacheLoad;
import io.tiercache.store.StoreErrorHandler.ExpressionConsequence;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;

import org.springframework.expression.Expression;

/**
 * The {@link CacheLoad} of one invocation that missed the local tier. A result whose tags
 * or {@code unless} expression cannot be evaluated is returned to the caller but is not
 * cacheable: an entry stored without one of its tags could never be invalidated by it.
 */
final class InvocationCacheLoad implements CacheLoad {

	private final CachedOperation operation;

	private final MethodInvocation invocation;

	private final InvocationEvaluation evaluation;

	private final Collection<String> argumentTags;

	private final ExpressionFailures failures;

	private boolean resultTagsEvaluated;

	private @Nullable Object taggedResult;

	// null when evaluation failed
	private @Nullable Set<String> resultTags;

	InvocationCacheLoad(CachedOperation operation, MethodInvocation invocation, InvocationEvaluation evaluation,
			Collection<String> argumentTags, ExpressionFailures failures) {
		this.operation = operation;
		this.invocation = invocation;
		this.evaluation = evaluation;
		this.argumentTags = argumentTags;
		this.failures = failures;
	}

	@Override
	public Collection<String> argumentTags() {
		return this.argumentTags;
	}

	@Override
	public @Nullable Object load() throws Throwable {
		return this.invocation.proceed();
	}

	@Override
	public @Nullable CacheLoad forRefresh() {
		// A clone proceeds through the rest of the chain again, on the refresh thread.
		if (this.invocation instanceof ProxyMethodInvocation proxyInvocation) {
			return new InvocationCacheLoad(this.operation, proxyInvocation.invocableClone(), this.evaluation,
					this.argumentTags, this.failures);
		}
		return null;
	}

	@Override
	public Collection<String> resultTags(@Nullable Object result) {
		Set<String> tags = evaluateResultTags(result);
		return (tags != null) ? tags : Collections.emptySet();
	}

	@Override
	public boolean isCacheable(@Nullable Object result) {
		return evaluateResultTags(result) != null && !isVetoed(result);
	}

	// The store may ask for the tags and for cacheability in either order: evaluate once
	private @Nullable Set<String> evaluateResultTags(@Nullable Object result) {
		if (this.operation.resultTagExpressions().isEmpty()) {
			return Collections.emptySet();
		}
		if (!this.resultTagsEvaluated || this.taggedResult != result) {
			this.resultTagsEvaluated = true;
			this.taggedResult = result;
			this.resultTags = evaluateTags(result);
		}
		return this.resultTags;
	}

	private @Nullable Set<String> evaluateTags(@Nullable Object result) {
		Set<String> tags = new LinkedHashSet<>();
		for (Expression expression : this.operation.resultTagExpressions()) {
			try {
				if (this.evaluation.addTags(expression, result, tags)) {
					this.failures.cacheNull("tag", expression, ExpressionConsequence.NULL_TAG_RESULT_NOT_CACHED);
					return null;
				}
			}
			catch (RuntimeException ex) {
				this.failures.cacheSkipped("tag", expression, ExpressionConsequence.RESULT_NOT_CACHED, ex);
				return null;
			}
		}
		return tags;
	}

	private boolean isVetoed(@Nullable Object result) {
		Expression unless = this.operation.unless();
		if (unless == null) {
			return false;
		}
		try {
			return this.evaluation.isTrue(unless, result);
		}
		catch (RuntimeException ex) {
			this.failures.cacheSkipped("unless", unless, ExpressionConsequence.RESULT_NOT_CACHED, ex);
			return true;
		}
	}

}
