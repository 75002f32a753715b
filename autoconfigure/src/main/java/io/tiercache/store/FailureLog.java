package io.tiercache.store;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Logs a failure the first time it happens and then at most once a minute per kind, with the
 * number suppressed meanwhile: a Redis outage must not flood the log with one line per call.
 */
final class FailureLog {

	private static final long INTERVAL_NANOS = 60_000_000_000L;

	private final Logger logger;

	private final LongSupplier nanoTime;

	private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

	FailureLog(Logger logger, LongSupplier nanoTime) {
		this.logger = logger;
		this.nanoTime = nanoTime;
	}

	void warn(String kind, String message, Throwable ex) {
		Window window = this.windows.computeIfAbsent(kind, (k) -> new Window());
		long now = this.nanoTime.getAsLong();
		long suppressed;
		synchronized (window) {
			if (window.loggedAt != 0 && now - window.loggedAt < INTERVAL_NANOS) {
				window.suppressed.incrementAndGet();
				return;
			}
			window.loggedAt = (now != 0) ? now : 1;
			suppressed = window.suppressed.getAndSet(0);
		}
		String suffix = (suppressed > 0) ? " (" + suppressed + " similar failures not logged in the last minute)" : "";
		if (this.logger.isDebugEnabled()) {
			this.logger.warn(message + suffix, ex);
		}
		else {
			this.logger.warn("{}{}: {}", message, suffix, ex.toString());
		}
	}

	private static final class Window {

		long loggedAt;

		final AtomicLong suppressed = new AtomicLong();

	}

}
