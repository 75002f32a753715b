package io.tiercache.store;

/**
 * Told of what happens in one cache, for metrics. Implementations resolve their meters
 * once, when the cache is created, so that calls cost an increment.
 *
 * @since 0.1.0
 */
public interface CacheObserver {

	/** Observes nothing. */
	CacheObserver NONE = new CacheObserver() {
	};

	/** Why a value was returned but not stored. */
	enum NotCachedReason {

		/** {@code unless} was true, or an absent value with no {@code nullTtl}. */
		CONDITION,
		/** The value (or the key) could not be serialized. */
		UNSERIALIZABLE,
		/** The load raced an invalidation: storing it would have been stale. */
		STALE,
		/** Redis could not be used. */
		UNAVAILABLE,
		/**
		 * The serialized value is larger than {@code tiercache.redis.max-value-size}, or
		 * its entry, tags included, larger than any entry a read returns.
		 */
		TOO_LARGE,
		/**
		 * A tag of the entry cannot be stored as it is: UTF-8 cannot encode it, or it is
		 * longer than a tag may be. An entry stored without it would outlive its
		 * invalidation, so the call went uncached.
		 */
		UNSTORABLE_TAG,
		/**
		 * The method, loading a key, called itself with that key: the inner call ran
		 * uncached, the outer one stores the value.
		 */
		RECURSIVE

	}

	default void localHit() {
	}

	default void localMiss() {
	}

	/**
	 * A local entry existed but could not be served (invalidated, distrusted or not
	 * confirmed lately, old generation).
	 */
	default void localInvalid() {
	}

	default void remoteHit() {
	}

	default void remoteMiss() {
	}

	/** An entry in Redis could not be decoded and was removed. */
	default void remoteUndecodable() {
	}

	default void put() {
	}

	/** An entry left the local tier because of its size limit or its time to live. */
	default void localEviction() {
	}

	/**
	 * The underlying method ran.
	 * @param nanos how long it took
	 * @param success whether it returned normally
	 */
	default void load(long nanos, boolean success) {
	}

	default void notCached(NotCachedReason reason) {
	}

	/**
	 * A miss was served by another caller's load instead of its own.
	 * @param crossProcess whether that load ran in another process (lease) rather than in
	 * this one (single-flight)
	 */
	default void coalesced(boolean crossProcess) {
	}

	/** A miss waited (with backoff) for another process's lease. */
	default void leaseWaited() {
	}

	/** A stale entry was served while it is being refreshed (stale-while-revalidate). */
	default void staleServed() {
	}

	/**
	 * A background refresh ended.
	 * @param early whether it was an early refresh (XFetch) rather than
	 * stale-while-revalidate
	 * @param success whether it stored a new value
	 */
	default void refreshed(boolean early, boolean success) {
	}

}
