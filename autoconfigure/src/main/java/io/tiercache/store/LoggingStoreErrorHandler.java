package io.tiercache.store;

import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The default {@link StoreErrorHandler}: logs each kind of failure the first time and
 * then at most once a minute, with the number left out meanwhile. Failures that cost only
 * a cache miss are warnings; a skipped invalidation, which may leave stale entries until
 * they expire, is an error.
 *
 * @since 0.1.0
 */
public final class LoggingStoreErrorHandler implements StoreErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger("io.tiercache");

	private final ThrottledLog log;

	public LoggingStoreErrorHandler() {
		this(logger, System::nanoTime);
	}

	LoggingStoreErrorHandler(Logger logger, LongSupplier nanoTime) {
		this.log = new ThrottledLog(logger, nanoTime);
	}

	@Override
	public void handleRedisError(String operation, RuntimeException ex) {
		this.log.log(Level.WARN, "redis:" + operation, "Redis " + operation + " failed; answered without Redis", ex);
	}

	@Override
	public void handleCacheError(String cacheName, CacheFailure failure, Throwable ex) {
		this.log.log(Level.WARN, failure + ":" + cacheName, failure.describe(cacheName), ex);
	}

	@Override
	public void handleExpressionError(String source, String attribute, String expression,
			ExpressionConsequence consequence, RuntimeException ex) {
		String message = capitalize(attribute) + " expression '" + expression + "' of " + source + " failed, so "
				+ consequence.describe();
		boolean stale = consequence == ExpressionConsequence.TAGS_NOT_INVALIDATED;
		this.log.log(stale ? Level.ERROR : Level.WARN, consequence + ":" + source, message, ex);
	}

	private static String capitalize(String text) {
		return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

}
