package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;

import org.springframework.expression.Expression;
import org.springframework.util.StringUtils;

/**
 * Reports expressions of one operation that fail at run time, at most once a minute so that a
 * failing hot method does not flood the log; the next report counts the failures left out.
 * Failures never reach the caller: a cache failure costs a cache miss, whereas a skipped
 * invalidation may leave stale entries, which is why it is an error.
 */
final class ExpressionFailureLog {

	private static final long REPORT_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final Log logger;

	private final LongSupplier nanoTime;

	private final AtomicLong nextReportNanos;

	private final AtomicLong unreported = new AtomicLong();

	ExpressionFailureLog(Log logger) {
		this(logger, System::nanoTime);
	}

	ExpressionFailureLog(Log logger, LongSupplier nanoTime) {
		this.logger = logger;
		this.nanoTime = nanoTime;
		this.nextReportNanos = new AtomicLong(nanoTime.getAsLong());
	}

	/**
	 * Report an expression of {@code @Cached} that failed.
	 * @param method the annotated method
	 * @param attribute the attribute of the expression, such as {@code condition}
	 * @param expression the expression
	 * @param consequence what happened instead, such as "the result was not cached"
	 * @param ex the failure
	 */
	void cacheSkipped(Method method, String attribute, Expression expression, String consequence,
			RuntimeException ex) {
		if (this.logger.isWarnEnabled()) {
			long unreported = acquire();
			if (unreported >= 0) {
				this.logger.warn(StringUtils.capitalize(attribute) + " expression '" + expression.getExpressionString() + "' of @Cached on "
						+ TierCacheAnnotationParser.describe(method) + " failed, so " + consequence
						+ suffix(unreported), ex);
			}
		}
	}

	/**
	 * Report a tag expression of {@code @InvalidatesTags} that failed, so that its tags were
	 * not invalidated.
	 * @param method the annotated method
	 * @param expression the expression
	 * @param ex the failure
	 */
	void invalidationSkipped(Method method, Expression expression, RuntimeException ex) {
		if (this.logger.isErrorEnabled()) {
			long unreported = acquire();
			if (unreported >= 0) {
				this.logger.error("Tag expression '" + expression.getExpressionString() + "' of @InvalidatesTags on "
						+ TierCacheAnnotationParser.describe(method)
						+ " failed, so its tags were NOT invalidated: entries carrying them may be served stale until they expire"
						+ suffix(unreported), ex);
			}
		}
	}

	/**
	 * Take the right to report now.
	 * @return the number of failures left out since the last report, or {@code -1} if this
	 * one must be left out too
	 */
	private long acquire() {
		long now = this.nanoTime.getAsLong();
		long next = this.nextReportNanos.get();
		if (now - next < 0 || !this.nextReportNanos.compareAndSet(next, now + REPORT_INTERVAL_NANOS)) {
			this.unreported.incrementAndGet();
			return -1;
		}
		return this.unreported.getAndSet(0);
	}

	private static String suffix(long unreported) {
		return (unreported > 0) ? " (" + unreported + " more failures of this method since the last report)" : "";
	}

}
