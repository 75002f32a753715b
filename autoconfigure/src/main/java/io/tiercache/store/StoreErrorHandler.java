package io.tiercache.store;

/**
 * Where every failure on tiercache's side goes: Redis errors, values that cannot be
 * encoded or decoded, keys that cannot be rendered, failed background refreshes and
 * expressions that fail at run time. None of them reaches the caller: the call is
 * answered by the method, without the cache where needed, and the handler is told. As
 * with Spring's {@code CacheErrorHandler}, an application may supply its own bean of this
 * type; the default, {@link LoggingStoreErrorHandler}, logs each kind of failure at most
 * once a minute. Counting is done separately (the store observer), so a handler only
 * decides what to report.
 * <p>
 * A handler must not throw, and must be cheap: it runs on the caller's thread.
 *
 * @since 0.1.0
 */
public interface StoreErrorHandler {

	/** What failed in a cache's own handling of a value. */
	enum CacheFailure {

		/**
		 * The key could not be rendered as a Redis key: the method was called uncached.
		 */
		KEY("Cannot render a key of cache '%s'; the method was called uncached"),
		/**
		 * A tag of the entry cannot be stored as it is (UTF-8 cannot encode it, or it is
		 * too long): the method was called and its result not cached.
		 */
		TAG("Cannot store a tag of cache '%s'; the method was called and its result not cached"),
		/** The result could not be serialized: it was returned but not cached. */
		ENCODE("Cannot serialize a result of cache '%s'; it was returned but not cached"),
		/**
		 * An entry read from Redis could not be decoded: it was removed and the method
		 * called.
		 */
		DECODE("Cannot decode an entry of cache '%s' (changed value type? bump tiercache.namespace); it was removed"),
		/**
		 * An entry read from Redis cannot be decoded because nothing can be read as the
		 * cache's declared type (an interface or abstract class without type
		 * information): it was removed and the method called, as it will be at every
		 * read.
		 */
		UNREADABLE_TYPE("Cannot decode an entry of cache '%s': its declared type cannot be constructed from JSON (an"
				+ " interface or abstract class without type information), so no entry of it is ever read; declare a"
				+ " concrete class or a record, or give the type Jackson's @JsonTypeInfo and @JsonSubTypes; it was"
				+ " removed"),
		/** Storing a loaded value failed: it was returned but not cached. */
		STORE("Cannot cache a result of cache '%s'; it was returned but not cached"),
		/** A background refresh failed: the old value is served until it expires. */
		REFRESH("A background refresh of cache '%s' failed; the old value is served until it expires"),
		/**
		 * A load called its own method with the key it was loading, on the same thread:
		 * the inner call ran uncached instead of waiting for the outer one.
		 */
		RECURSIVE_LOAD("A load of cache '%s' called its own method with the key it was loading; the inner call"
				+ " ran the method uncached rather than wait for itself");

		private final String message;

		CacheFailure(String message) {
			this.message = message;
		}

		/**
		 * What happened, in a sentence.
		 * @param cacheName the cache
		 * @return the sentence
		 */
		public String describe(String cacheName) {
			return String.format(this.message, cacheName);
		}

	}

	/** What was done instead of an expression that failed. */
	enum ExpressionConsequence {

		/** The call went to the method without the cache. */
		CALL_UNCACHED("the call went to the method without the cache"),
		/** The method's result was returned but not stored. */
		RESULT_NOT_CACHED("the result was not cached"),
		/**
		 * The expression's tags were not invalidated: the one consequence that may serve
		 * stale data.
		 */
		TAGS_NOT_INVALIDATED(
				"its tags were NOT invalidated: entries carrying them may be served stale until they expire"),
		/**
		 * A tag expression of {@code @InvalidatesTags}, or an element of what it yielded,
		 * was {@code null}, which names no tag: it was skipped, and the other tags were
		 * invalidated. No entry carries a {@code null} tag, so nothing can be left stale
		 * by skipping it.
		 */
		NULL_TAG_SKIPPED("it yielded null, which names no tag, so that tag was skipped and the others used"),
		/**
		 * A tag expression of {@code @Cached} over the arguments, or an element of what
		 * it yielded, was {@code null}: the call went to the method without the cache, as
		 * an entry missing the tag the expression stands for would outlive that tag's
		 * invalidation.
		 */
		NULL_TAG_CALL_UNCACHED("it yielded null, which names no tag, and an entry without its tag would outlive"
				+ " the tag's invalidation, so the call went to the method without the cache"),
		/**
		 * A tag expression of {@code @Cached} over the result, or an element of what it
		 * yielded, was {@code null}: the result was returned but not stored, for the
		 * reason of {@link #NULL_TAG_CALL_UNCACHED}.
		 */
		NULL_TAG_RESULT_NOT_CACHED("it yielded null, which names no tag, and an entry without its tag would"
				+ " outlive the tag's invalidation, so the result was not cached"),
		/**
		 * A key expression yielded {@code null}: the call went to the method without the
		 * cache, since such a key would make unrelated calls share one entry.
		 */
		NULL_KEY("it yielded null, which would make every such call share one entry, so the call went to the"
				+ " method without the cache");

		private final String description;

		ExpressionConsequence(String description) {
			this.description = description;
		}

		/** What happened instead, as the end of a sentence. */
		public String describe() {
			return this.description;
		}

	}

	/**
	 * A Redis operation failed or timed out, or the circuit breaker refused it; the call
	 * went on without Redis.
	 * @param operation the operation ({@code read}, {@code write}, {@code invalidate},
	 * ...)
	 * @param ex the failure
	 */
	void handleRedisError(String operation, RuntimeException ex);

	/**
	 * A cache could not handle a value.
	 * @param cacheName the cache
	 * @param failure what failed, and what was done instead
	 * @param ex the failure
	 */
	void handleCacheError(String cacheName, CacheFailure failure, Throwable ex);

	/**
	 * An expression of an annotation failed at run time.
	 * @param source the annotated method, such as
	 * {@code @Cached on com.example.ProductService.findProduct(long)}
	 * @param attribute the attribute of the expression ({@code key}, {@code condition},
	 * {@code unless}, {@code tag})
	 * @param expression the expression's text
	 * @param consequence what was done instead
	 * @param ex the failure
	 */
	void handleExpressionError(String source, String attribute, String expression, ExpressionConsequence consequence,
			RuntimeException ex);

}
