package io.tiercache.store;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * One call that missed the cache: what the store needs from the caller to load a value
 * and to decide how to keep it. Created only on a miss, so the hit path allocates nothing
 * for it.
 *
 * @since 0.1.0
 */
public interface CacheLoad {

	/**
	 * Tags known before the load, from the arguments. The store makes sure their Redis
	 * records exist before the method runs, so a concurrent invalidation of one of them
	 * is always seen.
	 * @return the argument tags, possibly empty
	 */
	Collection<String> argumentTags();

	/**
	 * Run the underlying method.
	 * @return its result
	 * @throws Throwable whatever the method throws; never cached
	 */
	Object load() throws Throwable;

	/**
	 * Tags that depend on the result ({@code #result} in a tag expression).
	 * @param result the loaded value
	 * @return the result tags, possibly empty
	 */
	Collection<String> resultTags(Object result);

	/**
	 * Whether the result may be stored ({@code unless} is not true).
	 * @param result the loaded value
	 * @return whether to store it
	 */
	boolean isCacheable(Object result);

	/**
	 * A load that can run the method again later, on another thread, for a background
	 * refresh of a stale or soon-stale entry. Asked only before {@link #load()} has been
	 * called.
	 * @return the refresh load, or {@code null} if the method cannot be called again
	 */
	default @Nullable CacheLoad forRefresh() {
		return null;
	}

}
