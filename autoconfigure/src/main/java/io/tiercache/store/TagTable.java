package io.tiercache.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The {@link TagState} of every tag that a local entry or a load in flight references,
 * and the pending marks of this process's own invalidations that have not reached Redis
 * yet.
 * <p>
 * The table holds states weakly; entries and loads hold them strongly. So a state is
 * never replaced while anything can still check it, and a tag that nothing references has
 * no state: an invalidation of it needs none, since no entry can carry it ([I6] in
 * {@code docs/correctness.md}).
 *
 * @since 0.1.0
 */
public final class TagTable {

	static final TagState[] NO_STATES = new TagState[0];

	private final Cache<String, TagState> states = Caffeine.newBuilder().weakValues().build();

	/**
	 * Pending marks in force, so that {@link #anyPending} costs nothing when there are
	 * none.
	 */
	private final AtomicLong pendingMarks = new AtomicLong();

	/**
	 * The highest number a state was advanced to (not lowered again since), so that the
	 * periodic check can tell whether some state holds a number Redis has not reached.
	 */
	private final AtomicLong highest = new AtomicLong();

	/**
	 * The state of a tag, created on first use.
	 * @param tag the tag
	 * @return its state, the same object for as long as anything references it
	 */
	TagState state(String tag) {
		return this.states.get(tag, TagState::new);
	}

	/**
	 * States of several tags.
	 * @param tags the tags
	 * @return their states, in order
	 */
	TagState[] states(Collection<String> tags) {
		if (tags.isEmpty()) {
			return NO_STATES;
		}
		TagState[] states = new TagState[tags.size()];
		int i = 0;
		for (String tag : tags) {
			states[i++] = state(tag);
		}
		return states;
	}

	/** Record an invalidation in the states that exist; a tag without one needs none. */
	void advance(Collection<String> tags, long seq) {
		boolean held = false;
		for (String tag : tags) {
			TagState state = this.states.getIfPresent(tag);
			if (state != null) {
				state.advance(seq);
				held = true;
			}
		}
		if (held && seq > this.highest.get()) {
			this.highest.accumulateAndGet(seq, Math::max);
		}
	}

	/**
	 * The highest invalidation number that a state of this table was advanced to, and not
	 * lowered from since: what the periodic check compares with Redis's sequence.
	 * @return the number, 0 if none
	 */
	public long highestInvalidatedSeq() {
		return this.highest.get();
	}

	/**
	 * Lower every state above {@code seq} to it.
	 * @param seq Redis's sequence
	 * @return how many states were lowered
	 */
	int lowerTo(long seq) {
		// Before the states: an advance that comes after this raises it again, and one
		// that came before is lowered below, so it never understates a state.
		this.highest.accumulateAndGet(seq, Math::min);
		int lowered = 0;
		for (TagState state : this.states.asMap().values()) {
			if (state.lowerTo(seq)) {
				lowered++;
			}
		}
		return lowered;
	}

	/**
	 * Mark tags as invalidated here but not yet in Redis: entries carrying them are not
	 * served until {@link #resolvePending} is called with the returned states.
	 * @param tags the tags
	 * @return the states; holding them keeps the marks' states alive
	 */
	TagState[] markPending(Collection<String> tags) {
		TagState[] states = states(tags);
		this.pendingMarks.addAndGet(states.length);
		for (TagState state : states) {
			state.markPending();
		}
		return states;
	}

	/**
	 * Whether one of the tags has an invalidation made here that has not reached Redis:
	 * until it has, Redis may still hold entries that this process must not serve ([I8]).
	 * @param tags the tags of an entry
	 * @return whether any of them is pending
	 */
	boolean anyPending(Collection<String> tags) {
		if (this.pendingMarks.get() == 0) {
			return false;
		}
		for (String tag : tags) {
			TagState state = this.states.getIfPresent(tag);
			if (state != null && state.isPending()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether this process heard of an invalidation of one of the tags after
	 * {@code loadSeq}: an entry loaded then that Redis still returns as valid was revived
	 * (Redis lost the invalidation) or the invalidation was forged; either way it is not
	 * served ([I12]).
	 * @param tags the tags of an entry
	 * @param loadSeq the entry's load sequence
	 * @return whether any of them was invalidated after it
	 */
	boolean anyInvalidatedAfter(Collection<String> tags, long loadSeq) {
		for (String tag : tags) {
			TagState state = this.states.getIfPresent(tag);
			if (state != null && state.invalidatedSeq() > loadSeq) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Lift the marks of {@link #markPending}, once the invalidation reached Redis and was
	 * applied here.
	 * @param states the states returned by {@link #markPending}
	 */
	void resolvePending(TagState[] states) {
		for (TagState state : states) {
			state.clearPending();
		}
		this.pendingMarks.addAndGet(-states.length);
	}

	/** Tags whose state is currently held, for diagnostics. */
	public List<TagState> snapshot() {
		return new ArrayList<>(this.states.asMap().values());
	}

}
