package io.tiercache.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Stops paying Redis's timeout on every call while Redis is down: after
 * {@code failureThreshold} consecutive failures the breaker opens for {@code openDuration},
 * during which operations fail at once; then calls are let through again and the first success
 * closes it.
 * <p>
 * {@link #onStateChange} is told of every transition, so the store can stop trusting its local
 * tier while the breaker is open (invalidations cannot be heard) and clear it when Redis is
 * back.
 *
 * @since 0.1.0
 */
public final class CircuitBreaker {

	/** Listener of breaker transitions. */
	public interface Listener {

		void onStateChange(boolean open);

	}

	private final int failureThreshold;

	private final long openNanos;

	private final LongSupplier nanoTime;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private volatile long openUntil;

	private volatile boolean open;

	private volatile Listener onStateChange = (open) -> {
	};

	private volatile Runnable onSuccess = () -> {
	};

	public CircuitBreaker(int failureThreshold, Duration openDuration, LongSupplier nanoTime) {
		this.failureThreshold = Math.max(1, failureThreshold);
		this.openNanos = openDuration.toNanos();
		this.nanoTime = nanoTime;
	}

	public void onStateChange(Listener listener) {
		this.onStateChange = listener;
	}

	/**
	 * Run after every successful call; must be cheap.
	 * @param listener the action
	 */
	public void onSuccess(Runnable listener) {
		this.onSuccess = listener;
	}

	/**
	 * Whether a call may go to Redis now.
	 * @return {@code false} while open
	 */
	public boolean allowsCall() {
		return !this.open || this.nanoTime.getAsLong() - this.openUntil >= 0;
	}

	public void recordSuccess() {
		this.consecutiveFailures.set(0);
		this.onSuccess.run();
		if (this.open) {
			synchronized (this) {
				if (!this.open) {
					return;
				}
				this.open = false;
			}
			this.onStateChange.onStateChange(false);
		}
	}

	public void recordFailure() {
		if (this.consecutiveFailures.incrementAndGet() < this.failureThreshold) {
			return;
		}
		boolean opened;
		synchronized (this) {
			this.openUntil = this.nanoTime.getAsLong() + this.openNanos;
			opened = !this.open;
			this.open = true;
		}
		if (opened) {
			this.onStateChange.onStateChange(true);
		}
	}

}
