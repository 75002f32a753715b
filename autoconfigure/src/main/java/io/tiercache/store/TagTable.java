package io.tiercache.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToIntFunction;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tiercache.redis.Envelope;

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
	 * Per slot group, the highest number a state was advanced to (not lowered again
	 * since), so that the periodic check can tell whether some state holds a number Redis
	 * has not reached.
	 */
	private final AtomicLongArray highest;

	/** The slot group of a tag: each group numbers its invalidations on its own. */
	private final ToIntFunction<String> groupOf;

	/** A table for one slot group. */
	public TagTable() {
		this(1, (tag) -> 0);
	}

	/**
	 * A table for tags in several slot groups.
	 * @param groups how many groups
	 * @param groupOf the group of a tag
	 */
	public TagTable(int groups, ToIntFunction<String> groupOf) {
		this.highest = new AtomicLongArray(groups);
		this.groupOf = groupOf;
	}

	/** How many slot groups number the invalidations. */
	public int groups() {
		return this.highest.length();
	}

	/**
	 * The slot group of a tag.
	 * @param tag the tag
	 * @return its group
	 */
	public int group(String tag) {
		return this.groupOf.applyAsInt(tag);
	}

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

	/**
	 * Record an invalidation in the states that exist; a tag without one needs none.
	 * @param group the slot group of the tags, which numbered the invalidation
	 * @param tags the tags
	 * @param seq the invalidation's number
	 */
	void advance(int group, Collection<String> tags, long seq) {
		boolean held = false;
		for (String tag : tags) {
			TagState state = this.states.getIfPresent(tag);
			if (state != null) {
				state.advance(seq);
				held = true;
			}
		}
		if (held && seq > this.highest.get(group)) {
			this.highest.accumulateAndGet(group, seq, Math::max);
		}
	}

	/**
	 * The highest invalidation number that a state of this table was advanced to, and not
	 * lowered from since, in the first slot group.
	 * @return the number, 0 if none
	 */
	public long highestInvalidatedSeq() {
		return highestInvalidatedSeq(0);
	}

	/**
	 * The highest invalidation number that a state of a slot group's tags was advanced
	 * to, and not lowered from since: what the periodic check compares with the group's
	 * sequence in Redis.
	 * @param group the group
	 * @return the number, 0 if none
	 */
	public long highestInvalidatedSeq(int group) {
		return this.highest.get(group);
	}

	/**
	 * Lower every state of a slot group's tags above {@code seq} to it.
	 * @param group the group
	 * @param seq the group's sequence in Redis
	 * @return how many states were lowered
	 */
	int lowerTo(int group, long seq) {
		// Before the states: an advance that comes after this raises it again, and one
		// that came before is lowered below, so it never understates a state.
		this.highest.accumulateAndGet(group, seq, Math::min);
		int lowered = 0;
		for (TagState state : this.states.asMap().values()) {
			if (this.groupOf.applyAsInt(state.name()) == group && state.lowerTo(seq)) {
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
	 * Per tag of an entry, its load sequence in the tag's slot group: what each tag's
	 * state is compared with. A group the entry recorded no load for gives -1, which
	 * every invalidation kills.
	 * @param tags the entry's tags
	 * @param loads its loads, per group
	 * @return the sequences, in the order of {@code tags}
	 */
	long[] loadSequences(List<String> tags, List<Envelope.GroupLoad> loads) {
		long[] seqs = new long[tags.size()];
		for (int i = 0; i < seqs.length; i++) {
			seqs[i] = -1;
			int group = (loads.size() == 1 && groups() == 1) ? 0 : group(tags.get(i));
			for (Envelope.GroupLoad load : loads) {
				if (load.group() == group) {
					seqs[i] = load.seq();
					break;
				}
			}
		}
		return seqs;
	}

	/**
	 * Whether this process heard of an invalidation of one of the tags after
	 * {@code loadSeq}: an entry loaded then that Redis still returns as valid was revived
	 * (Redis lost the invalidation) or the invalidation was forged; either way it is not
	 * served ([I12]).
	 * @param tags the tags of an entry
	 * @param loadSeqs per tag, the entry's load sequence in the tag's slot group
	 * @return whether any of them was invalidated after it
	 */
	boolean anyInvalidatedAfter(List<String> tags, long[] loadSeqs) {
		for (int i = 0; i < loadSeqs.length; i++) {
			TagState state = this.states.getIfPresent(tags.get(i));
			if (state != null && state.invalidatedSeq() > loadSeqs[i]) {
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
