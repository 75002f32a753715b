package io.tiercache.store;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this process's local tier may serve what it holds: the epoch of Redis last
 * seen, the causes of distrust in force, and two counters that cut off what may have
 * missed an invalidation. The fan-out and the store are its writers; every local hit
 * reads it.
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
		REDIS_UNREACHABLE,
		/** The invalidation channel's subscription is not confirmed. */
		UNSUBSCRIBED

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
		 * @param seen the highest sequence this process knew Redis had reached in its
		 * epoch
		 * @param found the sequence Redis answers with now
		 */
		void onRollback(SequenceMark seen, long found);

	}

	/**
	 * The highest invalidation sequence this process knows Redis reached, in an epoch.
	 *
	 * @param epoch the epoch, {@code null} before any
	 * @param seq the sequence
	 */
	public record SequenceMark(@Nullable String epoch, long seq) {
	}

	/** Told when the local tier must drop its entries. */
	@FunctionalInterface
	public interface ClearListener {

		void onClear(ClearReason reason);

	}

	private final TagTable tags;

	private final AtomicLong version = new AtomicLong();

	private final AtomicLong generation = new AtomicLong();

	private final List<ClearListener> clearListeners = new CopyOnWriteArrayList<>();

	private final List<ApplyListener> applyListeners = new CopyOnWriteArrayList<>();

	private final List<RollbackListener> rollbackListeners = new CopyOnWriteArrayList<>();

	private final AtomicReference<SequenceMark> mark = new AtomicReference<>(new SequenceMark(null, 0));

	private volatile @Nullable String epoch;

	/**
	 * Causes of distrust in force, one bit per {@link DistrustCause}; trusted when zero.
	 */
	private volatile int distrust;

	// Off only through the consistency checker's seam, to prove it catches what follows.
	private volatile boolean checks = true;

	LocalTrust(TagTable tags) {
		this.tags = tags;
	}

	/** Bumped before each applied invalidation ([I7]). */
	public long version() {
		return this.version.get();
	}

	/** Bumped by every clear ([I9]): entries of an older generation are never served. */
	public long generation() {
		return this.generation.get();
	}

	/** Whether the local tier may serve entries now. */
	public boolean trusted() {
		return this.distrust == 0 || !this.checks;
	}

	/**
	 * Whether a cause of distrust is in force.
	 * @param cause the cause
	 * @return whether it is
	 */
	public boolean distrusts(DistrustCause cause) {
		return (this.distrust & (1 << cause.ordinal())) != 0;
	}

	/** The epoch of Redis last seen, or {@code null} before the first round trip. */
	public @Nullable String epoch() {
		return this.epoch;
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
		return this.mark.get();
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
		observeEpoch(epoch);
		if (epoch.equals(before.epoch()) && seq < before.seq()) {
			for (RollbackListener listener : this.rollbackListeners) {
				listener.onRollback(before, seq);
			}
			return true;
		}
		advance(epoch, seq);
		return false;
	}

	private void advance(String epoch, long seq) {
		SequenceMark current;
		do {
			current = this.mark.get();
			if (epoch.equals(current.epoch()) && seq <= current.seq()) {
				return;
			}
		}
		while (!this.mark.compareAndSet(current, new SequenceMark(epoch, seq)));
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
		observeEpoch(epoch);
		this.version.incrementAndGet();
		if (this.checks) {
			this.tags.advance(tags, seq);
		}
		for (ApplyListener listener : this.applyListeners) {
			listener.onApply(epoch, seq, tags);
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
		String current = this.epoch;
		if (epoch.equals(current)) {
			return;
		}
		synchronized (this) {
			current = this.epoch;
			if (epoch.equals(current)) {
				return;
			}
			this.epoch = epoch;
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
			else {
				logger.info("Local tier bypassed until the invalidation channel subscription is confirmed");
			}
			clear(ClearReason.DISCONNECT);
		}
	}

	/**
	 * Lift a cause of distrust; the local tier is cleared before it is served again.
	 * @param cause the cause
	 */
	public void restoreTrust(DistrustCause cause) {
		if (changeDistrust(cause, false)) {
			logger.info("Local tier cleared and trusted again: {} resolved", cause);
			clear(ClearReason.DISCONNECT);
		}
	}

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
	 * Drop every local entry ([I9]).
	 * @param reason why
	 */
	public void clear(ClearReason reason) {
		if (!this.checks) {
			return;
		}
		this.generation.incrementAndGet();
		for (ClearListener listener : this.clearListeners) {
			listener.onClear(reason);
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
		return "LocalTrust[epoch=" + Objects.toString(this.epoch) + ", generation=" + this.generation + ", trusted="
				+ trusted() + "]";
	}

}
