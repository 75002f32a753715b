package io.tiercache.store;

import io.tiercache.fanout.InvalidationView;
import io.tiercache.fanout.TagState;
import org.jspecify.annotations.Nullable;

/**
 * An entry of the local tier: the value as returned to callers, and what is needed to check it
 * without looking anything up: the load sequence, the tags' states and the generation.
 */
final class LocalEntry {

	final @Nullable Object value;

	final long loadSeq;

	final TagState[] tags;

	final long generation;

	final long ttlNanos;

	LocalEntry(@Nullable Object value, long loadSeq, TagState[] tags, long generation, long ttlNanos) {
		this.value = value;
		this.loadSeq = loadSeq;
		this.tags = tags;
		this.generation = generation;
		this.ttlNanos = ttlNanos;
	}

	/**
	 * Whether the entry may be served: see {@link InvalidationView} for the invariants.
	 * @param view this process's invalidation view
	 * @return whether to serve it
	 */
	boolean isServable(InvalidationView view) {
		if (this.generation != view.generation() || !view.trusted()) {
			return false;
		}
		for (TagState tag : this.tags) {
			if (tag.invalidates(this.loadSeq)) {
				return false;
			}
		}
		return true;
	}

}
