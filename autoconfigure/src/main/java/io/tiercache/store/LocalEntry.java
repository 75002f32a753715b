package io.tiercache.store;

import org.jspecify.annotations.Nullable;

/**
 * An entry of the local tier: the value as returned to callers, and what is needed to
 * check it without looking anything up: the load sequence, the tags' states and the
 * generation.
 */
final class LocalEntry {

	final @Nullable Object value;

	/** Per tag state, the load sequence in the tag's slot group. */
	final long[] loadSeqs;

	final TagState[] tagStates;

	final long generation;

	/** When, on the store's ticker, the entry leaves the local tier. */
	final long expiresAt;

	LocalEntry(@Nullable Object value, long[] loadSeqs, TagState[] tagStates, long generation, long expiresAt) {
		this.value = value;
		this.loadSeqs = loadSeqs;
		this.tagStates = tagStates;
		this.generation = generation;
		this.expiresAt = expiresAt;
	}

	/**
	 * Whether the entry's own time in the local tier is not over yet.
	 * @param now the store's ticker
	 * @return whether it is
	 */
	boolean isLive(long now) {
		// A difference, as System.nanoTime() requires, so that overflow cannot matter
		return now - this.expiresAt < 0;
	}

	/**
	 * Whether the entry may be served ([I5] in {@code docs/correctness.md}): the local
	 * tier is trusted now, and the entry is {@linkplain #isCurrent current}.
	 * @param trust this process's local trust state
	 * @return whether to serve it
	 */
	boolean isServable(LocalTrust trust) {
		// Trust first: its volatile reads come before those of the tag states, which so
		// include every invalidation applied before the confirmation it relies on.
		return trust.trusted() && isCurrent(trust);
	}

	/**
	 * Whether nothing has made the entry unservable for good: it is of the current
	 * generation, and none of its tags was invalidated after its load.
	 * @param trust this process's local trust state
	 * @return whether it is
	 */
	boolean isCurrent(LocalTrust trust) {
		if (this.generation != trust.generation()) {
			return false;
		}
		for (int i = 0; i < this.tagStates.length; i++) {
			if (this.tagStates[i].invalidates(this.loadSeqs[i])) {
				return false;
			}
		}
		return true;
	}

}
