package io.tiercache.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tiercache.store.StoreErrorHandler.CacheFailure;
import io.tiercache.store.StoreErrorHandler.ExpressionConsequence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoggingStoreErrorHandler}, on fake time and a real logger.
 */
class LoggingStoreErrorHandlerTests {

	private final Logger logger = (Logger) LoggerFactory.getLogger(LoggingStoreErrorHandlerTests.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final AtomicLong nanoTime = new AtomicLong(1234);

	private final LoggingStoreErrorHandler handler = new LoggingStoreErrorHandler(this.logger, this.nanoTime::get);

	private final RuntimeException failure = new IllegalStateException("boom");

	@BeforeEach
	void captureLog() {
		this.logger.setLevel(Level.INFO);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void releaseLog() {
		this.logger.detachAppender(this.appender);
	}

	@Test
	void aRedisFailureIsAWarningNamingTheOperation() {
		this.handler.handleRedisError("read", this.failure);
		assertThat(events()).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getFormattedMessage()).contains("Redis read failed", "boom");
		});
	}

	@Test
	void aCacheFailureNamesTheCacheAndWhatWasDoneInstead() {
		this.handler.handleCacheError("products", CacheFailure.DECODE, this.failure);
		assertThat(events()).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getFormattedMessage()).contains("cache 'products'", "tiercache.namespace", "removed");
		});
	}

	@Test
	void aSkippedInvalidationIsAnErrorNamingMethodAndExpression() {
		this.handler.handleExpressionError("@InvalidatesTags on com.example.Items.update(long)", "tag",
				"'item:' + #result.id", ExpressionConsequence.TAGS_NOT_INVALIDATED, this.failure);
		assertThat(events()).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.ERROR);
			assertThat(event.getFormattedMessage()).contains("Tag expression ''item:' + #result.id'",
					"@InvalidatesTags on com.example.Items.update(long)", "NOT invalidated");
		});
	}

	@Test
	void aCallGoingUncachedIsAWarning() {
		this.handler.handleExpressionError("@Cached on com.example.Items.find(long)", "key", "#id.foo",
				ExpressionConsequence.CALL_UNCACHED, this.failure);
		assertThat(events()).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getFormattedMessage()).contains("Key expression '#id.foo'",
					"went to the method without the cache");
		});
	}

	@Test
	void failuresOfOneKindWithinAMinuteAreCountedInTheNextReport() {
		this.handler.handleRedisError("read", this.failure);
		this.handler.handleRedisError("read", this.failure);
		this.handler.handleRedisError("read", this.failure);
		assertThat(events()).hasSize(1);
		this.nanoTime.addAndGet(Duration.ofSeconds(61).toNanos());
		this.handler.handleRedisError("read", this.failure);
		assertThat(events()).hasSize(2);
		assertThat(events().get(1).getFormattedMessage()).contains("(2 more in the last minute)");
	}

	@Test
	void kindsAreThrottledApart() {
		this.handler.handleRedisError("read", this.failure);
		this.handler.handleRedisError("write", this.failure);
		this.handler.handleCacheError("products", CacheFailure.ENCODE, this.failure);
		this.handler.handleCacheError("users", CacheFailure.ENCODE, this.failure);
		assertThat(events()).hasSize(4);
	}

	@Test
	void nothingIsDoneWhenTheLevelIsOff() {
		this.logger.setLevel(Level.OFF);
		this.handler.handleRedisError("read", this.failure);
		this.logger.setLevel(Level.INFO);
		this.handler.handleRedisError("read", this.failure);
		assertThat(events()).as("a failure not logged does not count against the next").hasSize(1);
	}

	private List<ILoggingEvent> events() {
		return this.appender.list;
	}

}
