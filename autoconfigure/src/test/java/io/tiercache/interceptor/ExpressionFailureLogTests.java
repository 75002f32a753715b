package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ReflectionUtils;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

/**
 * Tests for {@link ExpressionFailureLog}, on fake time.
 */
class ExpressionFailureLogTests {

	private static final Method method = ReflectionUtils.findMethod(ExpressionFailureLogTests.class, "update",
			long.class);

	private final Expression expression = new SpelExpressionParser().parseExpression("#result.id");

	private final RuntimeException failure = new IllegalStateException("boom");

	private final AtomicLong nanoTime = new AtomicLong(1234);

	private final Log logger = mock();

	private final ExpressionFailureLog failureLog = new ExpressionFailureLog(this.logger, this.nanoTime::get);

	@BeforeEach
	void enableLogging() {
		given(this.logger.isWarnEnabled()).willReturn(true);
		given(this.logger.isErrorEnabled()).willReturn(true);
	}

	@Test
	void skippedInvalidationIsAnErrorNamingMethodAndExpression() {
		this.failureLog.invalidationSkipped(method, this.expression, this.failure);
		then(this.logger).should()
			.error(contains("Tag expression '#result.id' of @InvalidatesTags on "
					+ ExpressionFailureLogTests.class.getName() + ".update(long) failed, so its tags were NOT invalidated"),
					eq(this.failure));
	}

	@Test
	void skippedCacheIsAWarning() {
		this.failureLog.cacheSkipped(method, "unless", this.expression, "the result was not cached", this.failure);
		then(this.logger).should()
			.warn(contains("Unless expression '#result.id' of @Cached on " + ExpressionFailureLogTests.class.getName()
					+ ".update(long) failed, so the result was not cached"), eq(this.failure));
	}

	@Test
	void failuresWithinAMinuteOfAReportAreCountedInTheNextReport() {
		this.failureLog.invalidationSkipped(method, this.expression, this.failure);
		this.nanoTime.addAndGet(Duration.ofSeconds(59).toNanos());
		this.failureLog.invalidationSkipped(method, this.expression, this.failure);
		this.failureLog.invalidationSkipped(method, this.expression, this.failure);
		then(this.logger).should(never()).error(contains("more failures"), any());
		this.nanoTime.addAndGet(Duration.ofSeconds(1).toNanos());
		this.failureLog.invalidationSkipped(method, this.expression, this.failure);
		then(this.logger).should().error(contains("(2 more failures of this method since the last report)"), any());
	}

	void update(long id) {
	}

}
