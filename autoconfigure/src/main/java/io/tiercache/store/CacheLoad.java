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

	/**
	 * Whether concurrent callers of the key may share this load's result, and other
	 * processes wait on its lease. True for a load that computes the key's value from its
	 * source: its result is what every caller of the key would have loaded. False for a
	 * lookup, which may find nothing (no value for a caller that must load one), and for
	 * a put, whose value must be stored whatever is in flight. A load that is not shared
	 * neither leads nor joins a flight of its key in this process, and takes no lease: it
	 * never waits on another process's load, nor makes one wait on it ([I11] in
	 * {@code docs/correctness.md}).
	 * @return whether the load may be shared
	 */
	default boolean shared() {
		return true;
	}

}
