package io.tiercache.store;

import org.jspecify.annotations.Nullable;

/**
 * An entry of the local tier: the value as returned to callers, and what is needed to
 * check it without looking anything up: the load sequence, the tags' states and the
 * generation.
 */
final class LocalEntry {

	final @Nullable Object value;

	final long loadSeq;

	final TagState[] tagStates;

	final long generation;

	final long ttlNanos;

	LocalEntry(@Nullable Object value, long loadSeq, TagState[] tagStates, long generation, long ttlNanos) {
		this.value = value;
		this.loadSeq = loadSeq;
		this.tagStates = tagStates;
		this.generation = generation;
		this.ttlNanos = ttlNanos;
	}

	/**
	 * Whether the entry may be served ([I5] in {@code docs/correctness.md}).
	 * @param trust this process's local trust state
	 * @return whether to serve it
	 */
	boolean isServable(LocalTrust trust) {
		if (this.generation != trust.generation() || !trust.trusted()) {
			return false;
		}
		for (TagState tag : this.tagStates) {
			if (tag.invalidates(this.loadSeq)) {
				return false;
			}
		}
		return true;
	}

}
