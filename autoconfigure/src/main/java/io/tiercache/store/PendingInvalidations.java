package io.tiercache.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.tiercache.fanout.TagState;
import org.jspecify.annotations.Nullable;

/**
 * Invalidations that could not reach Redis, retried with exponential backoff (100 ms doubling
 * to 10 s) until they do. Each keeps its tags' pending marks, so this process does not serve
 * them locally meanwhile; other processes are bounded by their time to live and by clearing
 * their local tier when Redis comes back.
 */
final class PendingInvalidations {

	private static final long INITIAL_DELAY_MILLIS = 100;

	private static final long MAX_DELAY_MILLIS = 10_000;

	private final TieredStore store;

	private final ScheduledExecutorService scheduler;

	private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

	private long delayMillis = INITIAL_DELAY_MILLIS;

	private @Nullable ScheduledFuture<?> scheduled;

	private boolean closed;

	// The retry's own successful calls must not reschedule it.
	private volatile boolean retrying;

	PendingInvalidations(TieredStore store, ScheduledExecutorService scheduler) {
		this.store = store;
		this.scheduler = scheduler;
	}

	void add(List<String> tags, TagState[] marks) {
		synchronized (this) {
			this.queue.add(new Pending(tags, marks));
		}
		schedule(false);
	}

	/** Redis answered again: retry now rather than at the end of the backoff. */
	void retrySoon() {
		if (!this.queue.isEmpty() && !this.retrying) {
			schedule(true);
		}
	}

	int size() {
		return this.queue.size();
	}

	private synchronized void schedule(boolean now) {
		if (this.closed) {
			return;
		}
		if (now) {
			this.delayMillis = INITIAL_DELAY_MILLIS;
			if (this.scheduled != null && this.scheduled.getDelay(TimeUnit.MILLISECONDS) > 0) {
				this.scheduled.cancel(false);
				this.scheduled = null;
			}
		}
		if (this.scheduled == null || this.scheduled.isDone()) {
			this.scheduled = this.scheduler.schedule(this::retry, now ? 0 : this.delayMillis, TimeUnit.MILLISECONDS);
		}
	}

	private void retry() {
		this.retrying = true;
		try {
			drain();
		}
		finally {
			this.retrying = false;
		}
	}

	private void drain() {
		List<Pending> failed = new ArrayList<>();
		Pending pending;
		while ((pending = this.queue.poll()) != null) {
			if (this.store.tryInvalidate(pending.tags, pending.marks)) {
				this.store.observer().invalidationRetried();
			}
			else {
				failed.add(pending);
				break;
			}
		}
		synchronized (this) {
			this.scheduled = null;
			if (failed.isEmpty() && this.queue.isEmpty()) {
				this.delayMillis = INITIAL_DELAY_MILLIS;
				return;
			}
			// Keep the order: the failed one goes back to the front.
			List<Pending> rest = new ArrayList<>(this.queue);
			this.queue.clear();
			this.queue.addAll(failed);
			this.queue.addAll(rest);
			this.delayMillis = Math.min(this.delayMillis * 2, MAX_DELAY_MILLIS);
		}
		schedule(false);
	}

	synchronized void close() {
		this.closed = true;
		if (this.scheduled != null) {
			this.scheduled.cancel(false);
		}
	}

	private record Pending(List<String> tags, TagState[] marks) {
	}

}
