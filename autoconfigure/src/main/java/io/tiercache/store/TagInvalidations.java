package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.tiercache.redis.RedisTier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tag invalidation, with read-your-writes ([I8] in {@code docs/correctness.md}): the tags
 * are marked pending in this process first (so it stops serving them, from either tier,
 * before Redis is even asked), then the invalidate script runs, then its result is
 * applied locally and the marks lifted. The caller's own process never serves an old
 * value once the call returns.
 * <p>
 * An invalidation that cannot reach Redis keeps its marks and is retried with exponential
 * backoff (100 ms doubling to 250 ms), and at once when any call to Redis succeeds again:
 * until it reaches Redis, Redis still holds what it invalidates. The retry sends what is
 * queued as one invalidation of all its tags (up to {@value #MAX_BATCH} queued at a
 * time), so that a backlog built up during an outage reaches Redis in one round trip
 * rather than one per write. On Redis Cluster an invalidation whose slot groups Redis
 * took only in part (a master down) counts as done for the invalidations all of whose
 * groups it took; the others stay queued. One that Redis took but too few replicas
 * acknowledged backs off up to 5 s instead, and is not woken by other calls' successes:
 * other processes have it already. {@link #close} drains what is still queued, for a
 * bounded time, and reports every invalidation it could not publish: none is dropped
 * silently. An invalidation written to the {@link InvalidationOutbox} is told when it
 * reached Redis, so that the outbox's relay publishes it only if this process never
 * could.
 */
final class TagInvalidations {

	private static final Logger logger = LoggerFactory.getLogger(TagInvalidations.class);

	/**
	 * The retry's longest delay. Short, since other processes may serve what a queued
	 * invalidation kills until it reaches Redis; one thread per process retries, as the
	 * breaker's probe, so Redis sees a few attempts a second from a process during an
	 * outage, each failing fast or within the command timeout.
	 */
	private static final long MAX_DELAY_MILLIS = 250;

	/**
	 * The longest delay after a retry that Redis answered but did not complete (too few
	 * replicas acknowledged it, or Redis refused {@code WAIT}). Every other process has
	 * already heard of that invalidation; only its survival of a failover is at stake, so
	 * sending it again several times a second, to every process, would buy nothing.
	 */
	private static final long ANSWERED_MAX_DELAY_MILLIS = 5_000;

	private static final long CLOSE_PAUSE_MILLIS = 50;

	/**
	 * The most queued invalidations one retry sends together: enough for the backlog of
	 * an outage of seconds under heavy writing, few enough to keep one round trip's
	 * scripts small.
	 */
	static final int MAX_BATCH = 1024;

	private static final Runnable NOTHING = () -> {
	};

	/** Sends one invalidation to Redis. */
	@FunctionalInterface
	interface Publisher {

		/**
		 * Publish an invalidation.
		 * @param tags the tags
		 * @return per slot group Redis took, its epoch and sequence: every group of the
		 * tags, or some of them only (Redis Cluster with a master down); {@code null} if
		 * Redis took none
		 */
		@Nullable List<RedisTier.Invalidated> publish(List<String> tags);

	}

	private final Publisher publisher;

	private final Publisher retryPublisher;

	private final BooleanSupplier retryAnswered;

	private final LocalTrust trust;

	private final StoreObserver observer;

	private final long initialDelayMillis;

	private final ScheduledExecutorService scheduler = Executors
		.newSingleThreadScheduledExecutor(TieredStore.daemonThreads("tiercache-retry"));

	private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

	// Guarded by this.
	private long delayMillis;

	// Guarded by this.
	private @Nullable ScheduledFuture<?> scheduled;

	// Guarded by this.
	private boolean closed;

	// The thread running a retry: its own successful calls must not reschedule it.
	private volatile @Nullable Thread retrying;

	// Redis answered another thread while a retry ran: retry again at once when it ends,
	// rather than after its backoff.
	private volatile boolean wakeRequested;

	// The last retry failed although Redis answered it: Redis answering other calls is
	// no news then, and does not cut the backoff short.
	private volatile boolean answeredButNotDone;

	/** Whether closing has given up on what is still queued; guarded by this. */
	private boolean drained;

	TagInvalidations(RedisCalls redis, LocalTrust trust, StoreObserver observer) {
		this(redis::invalidate, redis::retryInvalidation, redis::retryWasAnswered, trust, observer, 100);
	}

	TagInvalidations(Publisher publisher, LocalTrust trust, StoreObserver observer, long initialDelayMillis) {
		this(publisher, publisher, () -> false, trust, observer, initialDelayMillis);
	}

	/**
	 * @param publisher sends an invalidation on the caller's thread
	 * @param retryPublisher sends one again from the retry, as the breaker's probe
	 * @param retryAnswered whether the retry publisher's last failure was answered by
	 * Redis, which then did not complete it (replicas did not acknowledge it)
	 * @param trust the local validity model
	 * @param observer told of failures, retries and drops
	 * @param initialDelayMillis the retry's first delay
	 */
	TagInvalidations(Publisher publisher, Publisher retryPublisher, BooleanSupplier retryAnswered, LocalTrust trust,
			StoreObserver observer, long initialDelayMillis) {
		this.publisher = publisher;
		this.retryPublisher = retryPublisher;
		this.retryAnswered = retryAnswered;
		this.trust = trust;
		this.observer = observer;
		this.initialDelayMillis = initialDelayMillis;
		this.delayMillis = initialDelayMillis;
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
		if (!send(List.of(pending), this.publisher)[0]) {
			this.observer.invalidationFailed();
			boolean queued;
			synchronized (this) {
				// Once closing has given up on the queue, nothing would retry it.
				queued = !this.drained;
				if (queued) {
					this.queue.add(pending);
				}
			}
			if (queued) {
				schedule(false);
			}
			else {
				drop(pending, "after shutdown");
			}
		}
	}

	/**
	 * One attempt at some invalidations, sent together as one: each whose every slot
	 * group Redis took is applied locally and its marks lifted.
	 * @return for each, whether it reached Redis
	 */
	private boolean[] send(List<Pending> batch, Publisher publisher) {
		List<String> tags;
		if (batch.size() == 1) {
			tags = batch.get(0).tags;
		}
		else {
			LinkedHashSet<String> union = new LinkedHashSet<>();
			batch.forEach((pending) -> union.addAll(pending.tags));
			tags = new ArrayList<>(union);
		}
		boolean[] reached = new boolean[batch.size()];
		List<RedisTier.Invalidated> published = publish(tags, publisher);
		if (published == null) {
			return reached;
		}
		boolean[] groups = groupsTaken(published);
		for (int i = 0; i < batch.size(); i++) {
			Pending pending = batch.get(i);
			reached[i] = allTaken(pending.tags, groups);
			if (reached[i]) {
				this.trust.tags().resolvePending(pending.marks);
				pending.published.run();
			}
		}
		return reached;
	}

	private boolean[] groupsTaken(List<RedisTier.Invalidated> published) {
		boolean[] groups = new boolean[this.trust.groups()];
		for (RedisTier.Invalidated group : published) {
			groups[group.group()] = true;
		}
		return groups;
	}

	private boolean allTaken(List<String> tags, boolean[] groups) {
		for (String tag : tags) {
			if (!groups[this.trust.tags().group(tag)]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Publish an invalidation that some process wrote to the outbox, once, without marks
	 * or retries: the outbox row is what is retried.
	 * @param tags the tags, distinct and not empty
	 * @return whether it reached Redis, for every slot group of its tags
	 */
	boolean relay(List<String> tags) {
		// This process's subscription applies it too; applying it here first makes it
		// take effect here without waiting for the message.
		List<RedisTier.Invalidated> published = publish(tags, this.publisher);
		return published != null && allTaken(tags, groupsTaken(published));
	}

	/** Send one invalidation and apply here what Redis took of it. */
	private @Nullable List<RedisTier.Invalidated> publish(List<String> tags, Publisher publisher) {
		LocalTrust.SequenceMark[] before = new LocalTrust.SequenceMark[this.trust.groups()];
		for (String tag : tags) {
			int group = this.trust.tags().group(tag);
			if (before[group] == null) {
				before[group] = this.trust.mark(group);
			}
		}
		List<RedisTier.Invalidated> published = publisher.publish(tags);
		if (published == null) {
			return null;
		}
		for (RedisTier.Invalidated group : published) {
			LocalTrust.SequenceMark mark = before[group.group()];
			this.trust.observe(group.group(), (mark != null) ? mark : LocalTrust.SequenceMark.NONE, group.epoch(),
					group.seq());
			this.trust.apply(group.group(), group.epoch(), group.seq(), group.tags());
		}
		this.observer.invalidationPublished();
		return published;
	}

	/** Redis answered again: retry now rather than at the end of the backoff. */
	void retrySoon() {
		Thread retrying = this.retrying;
		if (retrying == Thread.currentThread() || this.answeredButNotDone) {
			return;
		}
		if (retrying != null) {
			this.wakeRequested = true;
			// The retry reads the flag after it clears this field: one of the two sees
			// the
			// other's write, so the wake-up is never lost.
			if (this.retrying != null) {
				return;
			}
		}
		if (!this.queue.isEmpty()) {
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
			this.delayMillis = this.initialDelayMillis;
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
		this.wakeRequested = false;
		this.retrying = Thread.currentThread();
		boolean done;
		try {
			done = drain();
		}
		finally {
			this.retrying = null;
		}
		if (!done) {
			// A wake-up that came while this retry ran would otherwise wait for the
			// backoff.
			schedule(this.wakeRequested);
		}
	}

	/**
	 * Publish what is queued, oldest first, in batches sent as one invalidation, until a
	 * batch fails in part or in full.
	 * @return whether the queue is empty
	 */
	private boolean drain() {
		// What is sent stays queued meanwhile, so that it still counts as waiting (and
		// keeps its place); only this thread removes from the queue, and others add at
		// its tail, so its first elements are the batch, in order.
		boolean failed = false;
		while (!failed && !this.queue.isEmpty()) {
			List<Pending> batch = new ArrayList<>(Math.min(this.queue.size(), MAX_BATCH));
			for (Pending pending : this.queue) {
				batch.add(pending);
				if (batch.size() == MAX_BATCH) {
					break;
				}
			}
			boolean[] reached = send(batch, this.retryPublisher);
			Iterator<Pending> queued = this.queue.iterator();
			for (int i = 0; i < batch.size() && queued.hasNext(); i++) {
				queued.next();
				if (reached[i]) {
					queued.remove();
					this.observer.invalidationRetried();
				}
				else {
					failed = true;
				}
			}
		}
		boolean answered = failed && this.retryAnswered.getAsBoolean();
		synchronized (this) {
			this.scheduled = null;
			this.answeredButNotDone = answered;
			if (!failed && this.queue.isEmpty()) {
				this.delayMillis = this.initialDelayMillis;
				return true;
			}
			this.delayMillis = Math.min(this.delayMillis * 2, answered ? ANSWERED_MAX_DELAY_MILLIS : MAX_DELAY_MILLIS);
			return false;
		}
	}

	/**
	 * Stop retrying in the background, then keep publishing what is queued for at most
	 * {@code timeout}; every invalidation still unpublished then is logged as an error
	 * with its tags and counted, since other instances may serve entries carrying them
	 * until those expire.
	 * @param timeout how long to keep trying
	 * @return the number of invalidations that could not be published
	 */
	int close(Duration timeout) {
		synchronized (this) {
			this.closed = true;
			if (this.scheduled != null) {
				this.scheduled.cancel(false);
			}
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		this.scheduler.shutdown();
		try {
			// A retry under way finishes first: it holds the queue's head.
			this.scheduler.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
			while (!this.queue.isEmpty() && System.nanoTime() - deadline < 0) {
				if (!drain()) {
					TimeUnit.MILLISECONDS.sleep(Math.min(CLOSE_PAUSE_MILLIS,
							Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.scheduler.shutdownNow();
		synchronized (this) {
			this.drained = true;
		}
		int lost = 0;
		Pending pending;
		while ((pending = this.queue.poll()) != null) {
			if (drop(pending, "before shutdown (waited " + timeout + ")")) {
				lost++;
			}
		}
		return lost;
	}

	/**
	 * Give up on an invalidation: logged, and counted unless its outbox row outlives this
	 * process.
	 * @return whether it is lost
	 */
	private boolean drop(Pending pending, String when) {
		if (pending.published != NOTHING) {
			// Its outbox row outlives this process: another instance's relay publishes
			// it.
			logger.warn("Invalidation of tags {} could not reach Redis {}; its outbox row is left to the relay of "
					+ "another instance", pending.tags, when);
			return false;
		}
		this.observer.invalidationDropped();
		logger.error("Invalidation of tags {} could not reach Redis {}: other instances may serve entries carrying "
				+ "them until those expire. The outbox (tiercache.outbox.enabled) keeps such invalidations across a "
				+ "shutdown", pending.tags, when);
		return true;
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

	/** An invalidation waiting for Redis; equal only to itself. */
	private static final class Pending {

		private final List<String> tags;

		private final TagState[] marks;

		private final Runnable published;

		Pending(List<String> tags, TagState[] marks, Runnable published) {
			this.tags = tags;
			this.marks = marks;
			this.published = published;
		}

	}

}
