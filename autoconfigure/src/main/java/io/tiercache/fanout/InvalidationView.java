package io.tiercache.fanout;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's knowledge of invalidations, which decides whether its local tier may serve an
 * entry (DESIGN.md, Correctness rules 7 to 10).
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>A local entry is served only if the view is {@linkplain #trusted() trusted}, the entry's
 * generation is the current {@linkplain #generation() generation}, and none of its tags'
 * {@link TagState}s {@linkplain TagState#invalidates(long) invalidates} its load sequence.</li>
 * <li>The generation is bumped by every event after which this process may have missed an
 * invalidation: a clear, an epoch change, a lost subscription, a gap. An entry records the
 * generation read <em>before</em> its Redis round trip began, so a load that straddles such an
 * event never becomes servable.</li>
 * <li>Tag states are held weakly by the table and strongly by entries (and by in-flight loads),
 * so a state is never replaced while anything can still check it. A tag nobody references has
 * no state: an invalidation of it is then recorded only in {@link #version()}.</li>
 * <li>{@link #version()} is bumped <em>before</em> an invalidation touches any tag state. A load
 * that resolves a tag's state only after its round trip (a tag known only from the result or the
 * envelope) and then finds the version unchanged knows no invalidation was applied while it had
 * no state to receive it.</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class InvalidationView {

	private static final Logger logger = LoggerFactory.getLogger(InvalidationView.class);

	/** Why the local tier was cleared; also the {@code reason} tag of the clear counter. */
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

	/** Told of every invalidation applied, from this process or from the channel. */
	@FunctionalInterface
	public interface ApplyListener {

		void onApply(String epoch, long seq, Collection<String> tags);

	}

	/** Told when the local tier must drop its entries. */
	@FunctionalInterface
	public interface ClearListener {

		void onClear(ClearReason reason);

	}

	private final Cache<String, TagState> tags = Caffeine.newBuilder().weakValues().build();

	private final AtomicLong version = new AtomicLong();

	private final AtomicLong generation = new AtomicLong();

	/** Pending marks in force, so that {@link #anyPending} costs nothing when there are none. */
	private final AtomicLong pendingMarks = new AtomicLong();

	private final List<ClearListener> listeners = new CopyOnWriteArrayList<>();

	private final List<ApplyListener> applyListeners = new CopyOnWriteArrayList<>();

	private volatile boolean trustChecks = true;

	private volatile @Nullable String epoch;

	/** Causes of distrust currently in force, one bit per {@link Distrust}; trusted when zero. */
	private volatile int distrust;

	/**
	 * The state of a tag, created on first use.
	 * @param tag the tag
	 * @return its state, the same object for as long as anything references it
	 */
	public TagState tag(String tag) {
		return this.tags.get(tag, TagState::new);
	}

	/**
	 * States of several tags.
	 * @param tags the tags
	 * @return their states, in order
	 */
	public TagState[] tags(Collection<String> tags) {
		TagState[] states = new TagState[tags.size()];
		int i = 0;
		for (String tag : tags) {
			states[i++] = tag(tag);
		}
		return states;
	}

	/** Bumped before each applied invalidation: see the class comment. */
	public long version() {
		return this.version.get();
	}

	/** Bumped by every clear: entries of an older generation are never served. */
	public long generation() {
		return this.generation.get();
	}

	/** Why the local tier may not be trusted: each cause is set and lifted independently. */
	public enum Distrust {

		/** Redis cannot be reached: invalidations made elsewhere cannot be heard. */
		REDIS_UNREACHABLE,
		/** The invalidation channel's subscription is not confirmed. */
		UNSUBSCRIBED

	}

	/** Whether the local tier may serve entries now. */
	public boolean trusted() {
		return this.distrust == 0 || !this.trustChecks;
	}

	/**
	 * Whether a cause of distrust is in force.
	 * @param cause the cause
	 * @return whether it is
	 */
	public boolean distrusts(Distrust cause) {
		return (this.distrust & (1 << cause.ordinal())) != 0;
	}

	/** The epoch of Redis last seen, or {@code null} before the first round trip. */
	public @Nullable String epoch() {
		return this.epoch;
	}

	public void addClearListener(ClearListener listener) {
		this.listeners.add(listener);
	}

	public void addApplyListener(ApplyListener listener) {
		this.applyListeners.add(listener);
	}

	/**
	 * Switch the local tier's safety checks off: no invalidation, clear or loss of trust
	 * reaches local entries any more. <strong>Only for proving that a consistency checker
	 * catches the stale reads that follow</strong>; never in an application.
	 * @param enabled whether the checks are enabled
	 */
	public void setTrustChecksEnabled(boolean enabled) {
		this.trustChecks = enabled;
	}

	/**
	 * Apply an invalidation, from this process or from the channel.
	 * @param epoch the epoch it was made in
	 * @param seq its sequence number
	 * @param tags the invalidated tags
	 */
	public void apply(String epoch, long seq, Collection<String> tags) {
		observeEpoch(epoch);
		this.version.incrementAndGet();
		if (this.trustChecks) {
			for (String tag : tags) {
				TagState state = this.tags.getIfPresent(tag);
				if (state != null) {
					state.advance(seq);
				}
			}
		}
		for (ApplyListener listener : this.applyListeners) {
			listener.onApply(epoch, seq, tags);
		}
	}

	/**
	 * Record the epoch seen in a Redis reply; a change clears the local tier, since the
	 * invalidations of the old epoch say nothing about the new one.
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
	 * Mark tags as invalidated here but not yet in Redis: entries carrying them are not served
	 * locally until {@link #resolvePending} is called for the same tags.
	 * @param tags the tags
	 * @return the states, to be passed to {@link #resolvePending}; holding them keeps the marks
	 */
	public TagState[] markPending(Collection<String> tags) {
		this.version.incrementAndGet();
		TagState[] states = tags(tags);
		this.pendingMarks.addAndGet(states.length);
		for (TagState state : states) {
			state.markPending();
		}
		return states;
	}

	/**
	 * Whether one of the tags has an invalidation made here that has not reached Redis: until
	 * it has, Redis may still hold entries that this process must not serve.
	 * @param tags the tags of an entry
	 * @return whether any of them is pending
	 */
	public boolean anyPending(Collection<String> tags) {
		if (this.pendingMarks.get() == 0) {
			return false;
		}
		for (String tag : tags) {
			TagState state = this.tags.getIfPresent(tag);
			if (state != null && state.isPending()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Remove the marks of {@link #markPending}, once the invalidation reached Redis (and was
	 * {@linkplain #apply applied}).
	 * @param states the states returned by {@link #markPending}
	 */
	public void resolvePending(TagState[] states) {
		for (TagState state : states) {
			state.clearPending();
		}
		this.pendingMarks.addAndGet(-states.length);
	}

	/**
	 * Stop serving the local tier for a cause, until {@link #restoreTrust} lifts it. Either
	 * transition bumps the generation, so nothing loaded before trust returns is ever served.
	 * @param cause the cause
	 * @param reason the clear reason reported for it
	 */
	public void distrust(Distrust cause, ClearReason reason) {
		if (changeDistrust(cause, true)) {
			if (cause == Distrust.REDIS_UNREACHABLE) {
				logger.warn("Local tier bypassed: Redis is unreachable");
			}
			else {
				logger.info("Local tier bypassed until the invalidation channel subscription is confirmed");
			}
			clear(reason);
		}
	}

	/**
	 * Lift a cause of distrust; the local tier is cleared before it is served again.
	 * @param cause the cause
	 * @param reason the clear reason reported for it
	 */
	public void restoreTrust(Distrust cause, ClearReason reason) {
		if (changeDistrust(cause, false)) {
			logger.info("Local tier cleared and trusted again: {} resolved", cause);
			clear(reason);
		}
	}

	private synchronized boolean changeDistrust(Distrust cause, boolean set) {
		int bit = 1 << cause.ordinal();
		int updated = set ? (this.distrust | bit) : (this.distrust & ~bit);
		if (updated == this.distrust) {
			return false;
		}
		this.distrust = updated;
		return true;
	}

	/**
	 * Drop every local entry.
	 * @param reason why
	 */
	public void clear(ClearReason reason) {
		if (!this.trustChecks) {
			return;
		}
		this.generation.incrementAndGet();
		for (ClearListener listener : this.listeners) {
			listener.onClear(reason);
		}
	}

	/** Tags whose state is currently held, for diagnostics. */
	public List<TagState> snapshot() {
		return new ArrayList<>(this.tags.asMap().values());
	}

	@Override
	public String toString() {
		return "InvalidationView[epoch=" + Objects.toString(this.epoch) + ", generation=" + this.generation
				+ ", trusted=" + trusted() + "]";
	}

}
