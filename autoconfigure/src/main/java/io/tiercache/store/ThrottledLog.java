package io.tiercache.store;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Logs a failure the first time it happens and then at most once a minute per kind, with
 * the number left out meanwhile: a Redis outage or a failing hot method must not flood
 * the log with one line per call.
 */
final class ThrottledLog {

	static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final Logger logger;

	private final LongSupplier nanoTime;

	private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

	ThrottledLog(Logger logger, LongSupplier nanoTime) {
		this.logger = logger;
		this.nanoTime = nanoTime;
	}

	/**
	 * Log, unless this kind was logged less than a minute ago.
	 * @param level the level
	 * @param kind what makes two failures alike
	 * @param message the message
	 * @param ex the failure; its stack trace is logged at debug level only
	 */
	void log(Level level, String kind, String message, Throwable ex) {
		if (!this.logger.isEnabledForLevel(level)) {
			return;
		}
		Window window = this.windows.computeIfAbsent(kind, (k) -> new Window());
		long now = this.nanoTime.getAsLong();
		long suppressed;
		synchronized (window) {
			if (window.logged && now - window.loggedAt < INTERVAL_NANOS) {
				window.suppressed.incrementAndGet();
				return;
			}
			window.logged = true;
			window.loggedAt = now;
			suppressed = window.suppressed.getAndSet(0);
		}
		String text = message + ((suppressed > 0) ? " (" + suppressed + " more in the last minute)" : "");
		if (this.logger.isDebugEnabled()) {
			this.logger.atLevel(level).setCause(ex).log(text);
		}
		else {
			this.logger.atLevel(level).log("{}: {}", text, ex.toString());
		}
	}

	private static final class Window {

		boolean logged;

		long loggedAt;

		final AtomicLong suppressed = new AtomicLong();

	}

}
