package io.tiercache.store;

/**
 * Monotonic counts of one cache since this process started, as kept by a
 * {@link StoreObserver} that keeps them (the Micrometer one does).
 *
 * @since 0.1.0
 */
public interface CacheStatistics {

	/** Calls served from either tier. */
	long hits();

	/** Calls that ran the underlying method. */
	long misses();

	/** Entries stored. */
	long puts();

	/** Entries evicted from the local tier for its size limit or their age. */
	long evictions();

}
