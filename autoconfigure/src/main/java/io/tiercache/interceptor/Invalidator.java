package io.tiercache.interceptor;

import java.util.Collection;

/**
 * Where the interceptor sends the tags to invalidate: {@code TieredStore.invalidate} and
 * {@code TieredStore.invalidateOnCommit} in production. A seam so that tests can observe
 * invalidations, and when they run relative to a transaction, without a store.
 */
@FunctionalInterface
interface Invalidator {

	/**
	 * Invalidate the given tags.
	 * @param tags the tags, never empty
	 */
	void invalidate(Collection<String> tags);

	/**
	 * Write the tags to the outbox in the current transaction, to be invalidated once it
	 * commits.
	 * @param tags the tags, never empty
	 * @return whether they were written; {@code false} without an outbox or a transaction
	 */
	default boolean invalidateOnCommit(Collection<String> tags) {
		return false;
	}

}
