package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import io.tiercache.store.StoreErrorHandler;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.StoreErrorHandler.ExpressionConsequence;

import org.springframework.expression.Expression;

/**
 * Reports the expressions of one method that fail at run time to the store's
 * {@link StoreErrorHandler}, naming the method. Failures never reach the caller: a cache
 * failure costs a cache miss, whereas a skipped invalidation may leave stale entries,
 * which the handler reports as an error.
 */
final class ExpressionFailures {

	private final Method method;

	private final Supplier<StoreErrorHandler> handler;

	private final Supplier<StoreObserver> observer;

	ExpressionFailures(Method method, Supplier<StoreErrorHandler> handler, Supplier<StoreObserver> observer) {
		this.method = method;
		this.handler = handler;
		this.observer = observer;
	}

	/**
	 * An expression of {@code @Cached} failed.
	 * @param attribute the attribute of the expression, such as {@code condition}
	 * @param expression the expression
	 * @param consequence what was done instead
	 * @param ex the failure
	 */
	void cacheSkipped(String attribute, Expression expression, ExpressionConsequence consequence, RuntimeException ex) {
		report("@Cached", attribute, expression, consequence, ex);
	}

	/**
	 * A tag expression of {@code @InvalidatesTags} yielded {@code null}, which was
	 * skipped.
	 * @param expression the expression
	 */
	void invalidationNullSkipped(Expression expression) {
		report("@InvalidatesTags", "tag", expression, ExpressionConsequence.NULL_TAG_SKIPPED, nullValue());
	}

	/**
	 * An expression of {@code @Cached} yielded {@code null}.
	 * @param attribute {@code tag} or {@code key}
	 * @param expression the expression
	 * @param consequence what was done instead
	 */
	void cacheNull(String attribute, Expression expression, ExpressionConsequence consequence) {
		cacheSkipped(attribute, expression, consequence, nullValue());
	}

	private static RuntimeException nullValue() {
		return new IllegalStateException("The expression yielded null");
	}

	/**
	 * A tag expression of {@code @InvalidatesTags} failed, so its tags were not
	 * invalidated.
	 * @param expression the expression
	 * @param ex the failure
	 */
	void invalidationSkipped(Expression expression, RuntimeException ex) {
		report("@InvalidatesTags", "tag", expression, ExpressionConsequence.TAGS_NOT_INVALIDATED, ex);
	}

	private void report(String annotation, String attribute, Expression expression, ExpressionConsequence consequence,
			RuntimeException ex) {
		// Counted whatever the handler does: a dashboard sees what a log may not.
		this.observer.get().expressionFailed(attribute, consequence);
		this.handler.get()
			.handleExpressionError(annotation + " on " + TierCacheAnnotationParser.describe(this.method), attribute,
					expression.getExpressionString(), consequence, ex);
	}

}
