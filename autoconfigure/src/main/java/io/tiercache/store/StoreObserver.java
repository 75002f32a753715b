package io.tiercache.store;

import io.tiercache.store.LocalTrust.ClearReason;
import org.jspecify.annotations.Nullable;

/**
 * Told of store-wide events, for metrics.
 *
 * @since 0.1.0
 */
public interface StoreObserver {

	/** Observes nothing. */
	StoreObserver NONE = new StoreObserver() {
	};

	/**
	 * The observer of one cache, asked once when the cache is created.
	 * @param cacheName the cache name
	 * @return its observer
	 */
	default CacheObserver cache(String cacheName) {
		return CacheObserver.NONE;
	}

	/**
	 * The counts of a cache, if this observer keeps them.
	 * @param cacheName the cache name
	 * @return its counts, or {@code null}
	 */
	default @Nullable CacheStatistics statistics(String cacheName) {
		return null;
	}

	/**
	 * A cache was created (once per name), after {@link #cache(String)}: for meters that
	 * read the cache itself, such as the size of its local tier.
	 * @param cache the new cache
	 */
	default void cacheCreated(TieredCache cache) {
	}

	/**
	 * A Redis operation failed; the caller got the method's result instead.
	 * @param operation the operation ({@code read}, {@code write}, {@code invalidate},
	 * ...)
	 */
	default void redisError(String operation) {
	}

	/**
	 * An expression of {@code @Cached} or {@code @InvalidatesTags} failed or yielded
	 * {@code null} at run time; the {@link StoreErrorHandler} was told.
	 * @param attribute the attribute of the expression ({@code key}, {@code tag},
	 * {@code condition}, {@code unless})
	 * @param consequence what was done instead
	 */
	default void expressionFailed(String attribute, StoreErrorHandler.ExpressionConsequence consequence) {
	}

	default void invalidationPublished() {
	}

	/** An invalidation could not reach Redis and was queued for retry. */
	default void invalidationFailed() {
	}

	/** A queued invalidation reached Redis on a retry. */
	default void invalidationRetried() {
	}

	/**
	 * A queued invalidation could not reach Redis before the store closed: other
	 * instances may serve entries carrying its tags until those expire.
	 */
	default void invalidationDropped() {
	}

	/**
	 * A tag of an invalidation was refused, being text Redis cannot hold as it is (UTF-8
	 * cannot encode it, or it is longer than a tag may be): no entry carries it, since
	 * caching refuses such tags too, and the invalidation's other tags were invalidated.
	 */
	default void invalidationTagRefused() {
	}

	default void localCleared(ClearReason reason) {
	}

}
