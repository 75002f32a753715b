package io.tiercache.store;

import io.tiercache.fanout.InvalidationView.ClearReason;

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
	 * A Redis operation failed; the caller got the method's result instead.
	 * @param operation the operation ({@code read}, {@code write}, {@code invalidate}, ...)
	 */
	default void redisError(String operation) {
	}

	default void invalidationPublished() {
	}

	/** An invalidation could not reach Redis and was queued for retry. */
	default void invalidationFailed() {
	}

	/** A queued invalidation reached Redis on a retry. */
	default void invalidationRetried() {
	}

	default void localCleared(ClearReason reason) {
	}

}
