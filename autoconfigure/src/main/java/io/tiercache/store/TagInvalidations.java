package io.tiercache.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.tiercache.redis.RedisTier;
import org.jspecify.annotations.Nullable;

/**
 * Tag invalidation, with read-your-writes ([I8] in {@code docs/correctness.md}): the tags
 * are marked pending in this process first (so it stops serving them, from either tier,
 * before Redis is even asked), then the invalidate script runs, then its result is
 * applied locally and the marks lifted. The caller's own process never serves an old
 * value once the call returns.
 * <p>
 * An invalidation that cannot reach Redis keeps its marks and is retried with exponential
 * backoff (100 ms doubling to 10 s), and at once when any call to Redis succeeds again:
 * until it reaches Redis, Redis still holds what it invalidates. The queue lives in
 * memory and dies with the process; an invalidation written to the
 * {@link InvalidationOutbox} is told when it reached Redis, so that the outbox's relay
 * publishes it only if this process never could.
 */
final class TagInvalidations {

	private static final long INITIAL_DELAY_MILLIS = 100;

	private static final long MAX_DELAY_MILLIS = 10_000;

	private static final Runnable NOTHING = () -> {
	};

	private final RedisCalls redis;

	private final LocalTrust trust;

	private final StoreObserver observer;

	private final ScheduledExecutorService scheduler = Executors
		.newSingleThreadScheduledExecutor(TieredStore.daemonThreads("tiercache-retry"));

	private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

	// Guarded by this.
	private long delayMillis = INITIAL_DELAY_MILLIS;

	// Guarded by this.
	private @Nullable ScheduledFuture<?> scheduled;

	// Guarded by this.
	private boolean closed;

	// The retry's own successful calls must not reschedule it.
	private volatile boolean retrying;

	TagInvalidations(RedisCalls redis, LocalTrust trust, StoreObserver observer) {
		this.redis = redis;
		this.trust = trust;
		this.observer = observer;
	}

	/**
	 * Invalidate tags everywhere. Never throws: a failure is reported, counted and
	 * retried.
	 * @param tags the tags; {@code null}s and duplicates are ignored
	 */
	void invalidate(Collection<String> tags) {
		invalidate(tags, NOTHING);
	}

	/**
	 * Invalidate tags everywhere, and say when it reached Redis. Never throws.
	 * @param tags the tags; {@code null}s and duplicates are ignored
	 * @param published run once the invalidation reached Redis, on this thread or on the
	 * retry's; never if this process stops first
	 */
	void invalidate(Collection<String> tags, Runnable published) {
		List<String> distinct = distinct(tags);
		if (distinct.isEmpty()) {
			return;
		}
		TagState[] marks = this.trust.markPending(distinct);
		Pending pending = new Pending(distinct, marks, published);
		if (!tryInvalidate(pending)) {
			this.observer.invalidationFailed();
			synchronized (this) {
				this.queue.add(pending);
			}
			schedule(false);
		}
	}

	/**
	 * One attempt: on success the invalidation is applied locally and its marks lifted.
	 * @return whether it reached Redis
	 */
	private boolean tryInvalidate(Pending pending) {
		RedisTier.Sequence sequence = this.redis.invalidate(pending.tags);
		if (sequence == null) {
			return false;
		}
		this.trust.apply(sequence.epoch(), sequence.seq(), pending.tags);
		this.trust.tags().resolvePending(pending.marks);
		this.observer.invalidationPublished();
		pending.published.run();
		return true;
	}

	/**
	 * Publish an invalidation that some process wrote to the outbox, once, without marks
	 * or retries: the outbox row is what is retried.
	 * @param tags the tags, distinct and not empty
	 * @return whether it reached Redis
	 */
	boolean relay(List<String> tags) {
		RedisTier.Sequence sequence = this.redis.invalidate(tags);
		if (sequence == null) {
			return false;
		}
		// This process's subscription applies it too; applying it here first makes it
		// take effect here without waiting for the message.
		this.trust.apply(sequence.epoch(), sequence.seq(), tags);
		this.observer.invalidationPublished();
		return true;
	}

	/** Redis answered again: retry now rather than at the end of the backoff. */
	void retrySoon() {
		if (!this.queue.isEmpty() && !this.retrying) {
			schedule(true);
		}
	}

	/** Number of invalidations waiting for Redis. */
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
			if (tryInvalidate(pending)) {
				this.observer.invalidationRetried();
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

	/** Stop retrying; called on shutdown. */
	void close() {
		synchronized (this) {
			this.closed = true;
			if (this.scheduled != null) {
				this.scheduled.cancel(false);
			}
		}
		this.scheduler.shutdownNow();
	}

	/** The tags without {@code null}s and duplicates, in order. */
	static List<String> distinct(Collection<String> tags) {
		if (tags.isEmpty()) {
			return List.of();
		}
		LinkedHashSet<String> distinct = new LinkedHashSet<>();
		for (String tag : tags) {
			if (tag != null) {
				distinct.add(tag);
			}
		}
		return new ArrayList<>(distinct);
	}

	private record Pending(List<String> tags, TagState[] marks, Runnable published) {
	}

}
