package io.tiercache.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import com.github.benmanes.caffeine.cache.Ticker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this process's local tier may serve what it holds: the epoch of Redis last
 * seen, the causes of distrust in force, until when the last confirmation holds, and two
 * counters that cut off what may have missed an invalidation. The fan-out and the store
 * are its writers; every local hit reads it.
 *
 * <h2>Invariants (numbered as in {@code docs/correctness.md})</h2>
 * <ul>
 * <li>[I5] A local entry is served only if the local tier is {@linkplain #trusted()
 * trusted}, the entry's generation is the current {@linkplain #generation() generation},
 * and none of its tags' {@link TagState}s invalidates its load sequence.</li>
 * <li>[I7] {@link #version()} is bumped <em>before</em> an invalidation touches any tag
 * state. A load that resolves a tag's state only after its round trip (a tag known only
 * from the result or the envelope) and then finds the version unchanged knows no
 * invalidation was applied while it had no state to receive it.</li>
 * <li>[I9] The generation is bumped by every event after which this process may have
 * missed an invalidation: a clear, an epoch change, losing or regaining trust. An entry
 * records the generation read <em>before</em> its round trip began, so a load that
 * straddles such an event never becomes servable.</li>
 * <li>[I10] Once {@linkplain #requireConfirmation() required}, the local tier is trusted
 * only until {@code localMaxUnconfirmed} after the last {@linkplain #confirm
 * confirmation}, on the store's monotonic ticker; every {@linkplain #clear clear}
 * confirms too. A confirmation lapsing clears nothing: nothing was missed, only not yet
 * applied; entries are served again, those the invalidations applied meanwhile did not
 * kill, once a check confirms again.</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class LocalTrust {

	private static final Logger logger = LoggerFactory.getLogger(LocalTrust.class);

	/**
	 * Why the local tier was cleared; also the {@code reason} tag of the clear counter.
	 */
	public enum ClearReason {

		/** An invalidation message was lost (a gap in sequence numbers). */
		GAP,
		/** The subscription was lost, or Redis became unreachable. */
		DISCONNECT,
		/** Redis's epoch changed: restart, failover or flush. */
		EPOCH,
		/** Cleared on request. */
		MANUAL

	}

	/**
	 * Why the local tier may not be trusted: each cause is set and lifted independently.
	 */
	public enum DistrustCause {

		/** Redis cannot be reached: invalidations made elsewhere cannot be heard. */
		REDIS_UNREACHABLE("Redis answers again"),
		/** The invalidation channel's subscription is not confirmed. */
		UNSUBSCRIBED("the invalidation channel subscription is confirmed");

		private final String resolution;

		DistrustCause(String resolution) {
			this.resolution = resolution;
		}

		/** What lifts the cause, in the words of a log line. */
		public String resolution() {
			return this.resolution;
		}

	}

	/** Told of every invalidation applied, from this process or from the channel. */
	@FunctionalInterface
	public interface ApplyListener {

		void onApply(String epoch, long seq, Collection<String> tags);

	}

	/** Told when Redis's sequence went backwards within an epoch. */
	@FunctionalInterface
	public interface RollbackListener {

		/**
		 * Redis lost acknowledged invalidations.
		 * @param group the slot group whose sequence went backwards
		 * @param seen the highest sequence this process knew Redis had reached in its
		 * epoch
		 * @param found the sequence Redis answers with now
		 */
		void onRollback(int group, SequenceMark seen, long found);

	}

	/**
	 * The highest invalidation sequence this process knows Redis reached, in an epoch.
	 *
	 * @param epoch the epoch, {@code null} before any
	 * @param seq the sequence
	 */
	public record SequenceMark(@Nullable String epoch, long seq) {

		/** No knowledge: a reply observed against it never counts as a rollback. */
		public static final SequenceMark NONE = new SequenceMark(null, 0);

	}

	/** Told when the local tier must drop its entries. */
	@FunctionalInterface
	public interface ClearListener {

		void onClear(ClearReason reason);

	}

	/**
	 * How far ahead {@link #confirmedUntil} starts, so that a store without a subscriber,
	 * which nobody confirms, is trusted (146 years; differences of ticker readings stay
	 * far from overflowing).
	 */
	private static final long UNBOUNDED = Long.MAX_VALUE / 2;

	private final TagTable tags;

	private final Ticker ticker;

	private final long maxUnconfirmedNanos;

	private final AtomicLong version = new AtomicLong();

	private final AtomicLong generation = new AtomicLong();

	private final List<ClearListener> clearListeners = new CopyOnWriteArrayList<>();

	private final List<ApplyListener> applyListeners = new CopyOnWriteArrayList<>();

	private final List<RollbackListener> rollbackListeners = new CopyOnWriteArrayList<>();

	/** Per slot group, the highest sequence known Redis reached. */
	private final AtomicReferenceArray<SequenceMark> marks;

	/** Per slot group, the epoch last seen. */
	private final AtomicReferenceArray<@Nullable String> epochs;

	/**
	 * Causes of distrust in force, one bit per {@link DistrustCause}; trusted when zero.
	 */
	private volatile int distrust;

	/**
	 * Ticker time until which the last confirmation holds; only ever moved forward, under
	 * the lock.
	 */
	private volatile long confirmedUntil;

	// Off only through the consistency checker's seam, to prove it catches what follows.
	private volatile boolean checks = true;

	/**
	 * Create the trust state of one store.
	 * @param tags the store's tag table
	 * @param ticker the store's monotonic time source
	 * @param maxUnconfirmed how long a confirmation holds
	 */
	LocalTrust(TagTable tags, Ticker ticker, Duration maxUnconfirmed) {
		this.tags = tags;
		this.ticker = ticker;
		this.maxUnconfirmedNanos = maxUnconfirmed.toNanos();
		this.confirmedUntil = ticker.read() + UNBOUNDED;
		this.marks = new AtomicReferenceArray<>(tags.groups());
		for (int group = 0; group < tags.groups(); group++) {
			this.marks.set(group, SequenceMark.NONE);
		}
		this.epochs = new AtomicReferenceArray<>(tags.groups());
	}

	/** Bumped before each applied invalidation ([I7]). */
	public long version() {
		return this.version.get();
	}

	/** Bumped by every clear ([I9]): entries of an older generation are never served. */
	public long generation() {
		return this.generation.get();
	}

	/**
	 * Whether the local tier may serve entries now: no cause of distrust is in force, and
	 * the last confirmation still holds. Read on every local hit.
	 * <p>
	 * Why one read of the ticker per hit, and why it is enough ([I10]): the store's
	 * ticker is {@code System.nanoTime()} outside tests, a monotonic clock that keeps
	 * counting while the process is stopped (a stop-the-world pause, {@code SIGSTOP}, a
	 * frozen container or VM), so the first hit after a pause of any length reads a time
	 * past the deadline and goes to Redis, before the invalidations queued meanwhile have
	 * been applied. A coarser clock advanced by a thread of ours would not do: that
	 * thread is stopped too, and the readers woken before it would see no time pass, the
	 * very window this closes. The deadline itself is the time at which a read of Redis's
	 * sequence was <em>sent</em> plus the bound, never the time its answer was handled,
	 * so a checker thread that runs late, a slow answer or a late message can only leave
	 * less trust, never more: a late check lets the deadline pass, hits go to Redis
	 * (slower, never wrong), and the next check confirms again. Comparing differences, as
	 * {@code System.nanoTime()} requires, keeps this right across the ticker's overflow.
	 * The tag states are read after this volatile read, so they include every
	 * invalidation applied before the confirmation that set the deadline.
	 * @return whether the local tier may be served
	 */
	public boolean trusted() {
		return trustedAt(this.ticker.read());
	}

	/**
	 * {@link #trusted()} at a time the caller has just read from the store's ticker, for
	 * a caller that needs that time too (the local tier checks its entry's own deadline
	 * against it): one clock read per hit.
	 * @param now the store's ticker, read just before this call
	 * @return whether the local tier may be served
	 */
	boolean trustedAt(long now) {
		return (this.distrust == 0 && now - this.confirmedUntil < 0) || !this.checks;
	}

	/**
	 * From now on, trust the local tier only while confirmed within the bound; until the
	 * first {@link #confirm}, not at all. Called by the invalidation subscriber, which
	 * confirms it; a store without one hears no other process, and is trusted without
	 * limit.
	 */
	public synchronized void requireConfirmation() {
		this.confirmedUntil = this.ticker.read();
	}

	/**
	 * Confirm that every invalidation Redis had published when a read of its sequence was
	 * sent has been applied here (or made moot by a clear that came after the read): the
	 * local tier may be served until the bound after that time ([I10]).
	 * @param sentAt the ticker's time read before the read was sent
	 */
	public void confirm(long sentAt) {
		long until = sentAt + this.maxUnconfirmedNanos;
		if (until - this.confirmedUntil <= 0) {
			// An older read than one already confirmed: nothing to extend.
			return;
		}
		synchronized (this) {
			if (until - this.confirmedUntil > 0) {
				this.confirmedUntil = until;
			}
		}
	}

	/**
	 * Whether a cause of distrust is in force.
	 * @param cause the cause
	 * @return whether it is
	 */
	public boolean distrusts(DistrustCause cause) {
		return (this.distrust & (1 << cause.ordinal())) != 0;
	}

	/**
	 * The epoch of the first slot group last seen, or {@code null} before the first round
	 * trip.
	 */
	public @Nullable String epoch() {
		return epoch(0);
	}

	/**
	 * The epoch of a slot group last seen.
	 * @param group the group
	 * @return it, or {@code null} before the first round trip that read it
	 */
	public @Nullable String epoch(int group) {
		return this.epochs.get(group);
	}

	/** How many slot groups number the invalidations. */
	public int groups() {
		return this.marks.length();
	}

	public void addClearListener(ClearListener listener) {
		this.clearListeners.add(listener);
	}

	public void addApplyListener(ApplyListener listener) {
		this.applyListeners.add(listener);
	}

	public void addRollbackListener(RollbackListener listener) {
		this.rollbackListeners.add(listener);
	}

	/**
	 * What this process knows of Redis's sequence now; read it before sending a request
	 * whose reply carries the sequence, and pass it to {@link #observe}.
	 * @return the mark
	 */
	public SequenceMark mark() {
		return mark(0);
	}

	/**
	 * What this process knows of a slot group's sequence now.
	 * @param group the group
	 * @return the mark
	 * @see #mark()
	 */
	public SequenceMark mark(int group) {
		return this.marks.get(group);
	}

	/**
	 * Record the epoch and sequence of a reply from Redis. Redis's sequence only grows
	 * within an epoch, so a reply to a request sent once this process knew it had reached
	 * {@code before} that carries a smaller one means Redis lost acknowledged
	 * invalidations (a failover to a replica that had not received them, a restart from
	 * an older snapshot): the rollback listeners are told, and start a new epoch ([I12]
	 * in {@code docs/correctness.md}). Marks taken before the request make this immune to
	 * replies arriving out of order.
	 * @param before the {@link #mark()} read before the request was sent
	 * @param epoch the reply's epoch
	 * @param seq the reply's sequence
	 * @return whether the sequence went backwards
	 */
	public boolean observe(SequenceMark before, String epoch, long seq) {
		return observe(0, before, epoch, seq);
	}

	/**
	 * Record the epoch and sequence of a slot group in a reply from Redis, as
	 * {@link #observe(SequenceMark, String, long)} does for the first group.
	 * @param group the group
	 * @param before the {@link #mark(int)} of the group read before the request was sent
	 * @param epoch the reply's epoch
	 * @param seq the reply's sequence
	 * @return whether the sequence went backwards
	 */
	public boolean observe(int group, SequenceMark before, String epoch, long seq) {
		observeEpoch(group, epoch);
		if (epoch.equals(before.epoch()) && seq < before.seq()) {
			for (RollbackListener listener : this.rollbackListeners) {
				listener.onRollback(group, before, seq);
			}
			return true;
		}
		advance(group, epoch, seq);
		return false;
	}

	private void advance(int group, String epoch, long seq) {
		SequenceMark current;
		do {
			current = this.marks.get(group);
			if (epoch.equals(current.epoch()) && seq <= current.seq()) {
				return;
			}
		}
		while (!this.marks.compareAndSet(group, current, new SequenceMark(epoch, seq)));
	}

	/**
	 * Apply an invalidation, from this process or from the channel. It does not move the
	 * {@link #mark()}: only replies to this process's own requests say where Redis's
	 * sequence stands, whereas anyone who can publish on the channel can send a message.
	 * @param epoch the epoch it was made in
	 * @param seq its sequence number
	 * @param tags the invalidated tags
	 */
	public void apply(String epoch, long seq, Collection<String> tags) {
		apply(0, epoch, seq, tags);
	}

	/**
	 * Apply an invalidation of a slot group's tags, as
	 * {@link #apply(String, long, Collection)} does for the first group.
	 * @param group the group, which numbered it
	 * @param epoch the group's epoch it was made in
	 * @param seq its sequence number
	 * @param tags the invalidated tags, all of the group
	 */
	public void apply(int group, String epoch, long seq, Collection<String> tags) {
		observeEpoch(group, epoch);
		this.version.incrementAndGet();
		if (this.checks) {
			this.tags.advance(group, tags, seq);
		}
		for (ApplyListener listener : this.applyListeners) {
			listener.onApply(epoch, seq, tags);
		}
	}

	/**
	 * Withdraw trust for a cause, as {@link #distrust} does, and lower every tag state
	 * above {@code seq}, the sequence Redis answered a check with, to that number. The
	 * periodic check found a number that Redis has still not reached one check after it
	 * was received: forged by someone who can publish on the channel (or lost by Redis),
	 * it would otherwise keep every entry carrying its tag from being served, from either
	 * tier, until Redis reached it ([I12] in {@code docs/correctness.md}).
	 * <p>
	 * Lowered in place rather than dropped: loads in flight and this process's own
	 * pending invalidations hold these very states ([I6], [I8]), and the checks of an
	 * entry Redis returns look them up by name whatever the generation, so a dropped
	 * state would lose its pending marks (read-your-writes) and every number it held.
	 * Lowered to {@code seq} and no further: every invalidation Redis had published when
	 * it answered is numbered {@code <= seq}, so none of them is undone, and entries
	 * loaded before it stay dead. What can be lost is a number above {@code seq} that
	 * arrived after the check's read, real or not; so the local tier is withheld before
	 * the states are lowered, and cleared after ([I9]): an entry served afterwards was
	 * loaded after this call, at a sequence no lower than anything applied before it.
	 * @param cause the cause of distrust, lifted by {@link #restoreTrust} as usual
	 * @param seq Redis's sequence, in the epoch this process follows
	 */
	public void distrustAndLowerTagStates(DistrustCause cause, long seq) {
		distrustAndLowerTagStates(cause, 0, seq);
	}

	/**
	 * Withdraw trust and lower the tag states of a slot group above {@code seq}, as
	 * {@link #distrustAndLowerTagStates(DistrustCause, long)} does for the first group.
	 * @param cause the cause of distrust
	 * @param group the group
	 * @param seq the group's sequence in Redis, in the epoch this process follows
	 */
	public void distrustAndLowerTagStates(DistrustCause cause, int group, long seq) {
		boolean changed;
		int lowered;
		// Under the lock that lifting a cause takes, so that trust cannot return between
		// the withdrawal and the lowering.
		synchronized (this) {
			changed = changeDistrust(cause, true);
			lowered = this.tags.lowerTo(group, seq);
		}
		if (lowered > 0) {
			logger.warn("{} tag state(s) held invalidation numbers beyond Redis's sequence {}: a message on the "
					+ "invalidation channel was forged, or Redis lost invalidations. Lowered to {}; the local tier "
					+ "is bypassed until the subscription is re-established", lowered, seq, seq);
		}
		if (changed || lowered > 0) {
			clear(ClearReason.DISCONNECT);
		}
	}

	/**
	 * Mark tags pending before their invalidation is sent ([I8]); bumps the version as an
	 * applied invalidation does, since it changes what may be served.
	 * @param tags the tags
	 * @return the marked states, for {@link TagTable#resolvePending}
	 */
	TagState[] markPending(Collection<String> tags) {
		this.version.incrementAndGet();
		return this.tags.markPending(tags);
	}

	/**
	 * Record the epoch seen in a Redis reply or message; a change clears the local tier,
	 * since the invalidations of the old epoch say nothing about the new one.
	 * @param epoch the epoch
	 */
	public void observeEpoch(String epoch) {
		observeEpoch(0, epoch);
	}

	/**
	 * Record the epoch of a slot group seen in a Redis reply or message; a change clears
	 * the local tier, as {@link #observeEpoch(String)} says.
	 * @param group the group
	 * @param epoch the epoch
	 */
	public void observeEpoch(int group, String epoch) {
		String current = this.epochs.get(group);
		if (epoch.equals(current)) {
			return;
		}
		synchronized (this) {
			current = this.epochs.get(group);
			if (epoch.equals(current)) {
				return;
			}
			this.epochs.set(group, epoch);
		}
		if (current != null) {
			logger.info("Redis epoch changed from {} to {} (restart, failover or flush): clearing the local tier",
					current, epoch);
			clear(ClearReason.EPOCH);
		}
	}

	/**
	 * Stop serving the local tier for a cause, until {@link #restoreTrust} lifts it.
	 * Either transition clears the local tier, so nothing loaded before trust returns is
	 * served.
	 * @param cause the cause
	 */
	public void distrust(DistrustCause cause) {
		if (changeDistrust(cause, true)) {
			if (cause == DistrustCause.REDIS_UNREACHABLE) {
				logger.warn("Local tier bypassed: Redis is unreachable");
			}
			else if (this.trustedOnce) {
				logger.info("Local tier bypassed until the invalidation channel subscription is confirmed again");
			}
			clear(ClearReason.DISCONNECT, this.trustedOnce);
		}
	}

	/**
	 * Stop serving the local tier until the first subscription is confirmed, as a
	 * subscriber does when it is created: neither this nor that first confirmation is a
	 * disconnect to log or count, since nothing was served locally before it.
	 */
	public void distrustUntilFirstSubscription() {
		synchronized (this) {
			this.trustedOnce = false;
			changeDistrust(DistrustCause.UNSUBSCRIBED, true);
		}
		clear(ClearReason.DISCONNECT, false);
	}

	/**
	 * Lift a cause of distrust; the local tier is cleared before it is served again. The
	 * first time every cause is lifted (the first subscription) is not counted as a
	 * disconnect: nothing was ever served locally before it.
	 * @param cause the cause
	 */
	public void restoreTrust(DistrustCause cause) {
		boolean again;
		boolean first;
		synchronized (this) {
			if (!changeDistrust(cause, false)) {
				return;
			}
			again = this.trustedOnce;
			first = !again && this.distrust == 0;
			this.trustedOnce = again || first;
		}
		if (again) {
			logger.info("Local tier cleared and in use again: {}", cause.resolution());
		}
		else if (first) {
			logger.info("Local tier in use: {}", cause.resolution());
		}
		clear(ClearReason.DISCONNECT, again);
	}

	/**
	 * Whether the local tier was trusted since {@link #distrustUntilFirstSubscription()}
	 * (or since it was created, without a subscriber); guarded by this for writes.
	 */
	private volatile boolean trustedOnce = true;

	private synchronized boolean changeDistrust(DistrustCause cause, boolean set) {
		int bit = 1 << cause.ordinal();
		int updated = set ? (this.distrust | bit) : (this.distrust & ~bit);
		if (updated == this.distrust) {
			return false;
		}
		this.distrust = updated;
		return true;
	}

	/**
	 * Drop every local entry ([I9]). A clear also confirms the local tier as of just
	 * before it ([I10]): no entry loaded before it is served after it, so whatever was
	 * published before it can concern nothing that is served.
	 * @param reason why
	 */
	public void clear(ClearReason reason) {
		clear(reason, true);
	}

	/**
	 * Drop every local entry; {@code told} says whether the clear listeners hear of it
	 * (and the clear counter counts it). Before the local tier was first trusted it held
	 * nothing that was ever served, and the generation alone keeps what it may hold from
	 * being served: not a disconnect to report.
	 */
	private void clear(ClearReason reason, boolean told) {
		if (!this.checks) {
			return;
		}
		long before = this.ticker.read();
		this.generation.incrementAndGet();
		confirm(before);
		if (told) {
			for (ClearListener listener : this.clearListeners) {
				listener.onClear(reason);
			}
		}
	}

	/**
	 * Switch the local tier's safety checks off: no invalidation, clear or loss of trust
	 * reaches local entries any more. Package-private: only the consistency checker's
	 * seam calls it, to prove the checker catches the stale reads that follow.
	 * @param enabled whether the checks are enabled
	 */
	void setChecksEnabled(boolean enabled) {
		this.checks = enabled;
	}

	/** The tag table whose states this trust state advances. */
	public TagTable tags() {
		return this.tags;
	}

	@Override
	public String toString() {
		return "LocalTrust[epoch=" + Objects.toString(epoch()) + ", generation=" + this.generation + ", trusted="
				+ trusted() + "]";
	}

}
