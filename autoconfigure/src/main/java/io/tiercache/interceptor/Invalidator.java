package io.tiercache.interceptor;

import java.util.Collection;

/**
 * Where the interceptor sends the tags to invalidate: {@code TieredStore.invalidate} in
 * production. A seam so that tests can observe invalidations, and when they run relative
 * to a transaction, without a store.
 */
@FunctionalInterface
interface Invalidator {

	/**
	 * Invalidate the given tags.
	 * @param tags the tags, never empty
	 */
	void invalidate(Collection<String> tags);

}
