package io.tiercache.cache;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Programmatic access to tiercache, for code that cannot use {@code @Cached} and
 * {@code @InvalidatesTags}. Every operation has the guarantees of the annotations: a
 * loaded value is stored only if none of its tags was invalidated while it loaded,
 * invalidations reach every instance, and nothing tiercache does throws into the caller
 * (only the loader's own exceptions do). <pre class="code">
 * Product product = operations.get("products", id, Product.class,
 *         () -&gt; repository.load(id), "product:" + id);
 * ...
 * operations.invalidate("product:" + id);
 * </pre>
 *
 * @since 0.1.0
 * @see TierCacheTemplate
 */
public interface TierCacheOperations {

	/**
	 * The value of a key, from either tier, or else loaded, tagged and stored.
	 * @param <T> the value type
	 * @param cacheName the cache; its settings come from the defaults,
	 * {@code tiercache.caches.<name>.*} and customizers
	 * @param key the key
	 * @param type the value type, the same for every call on this cache
	 * @param loader loads the value on a miss
	 * @param tags the tags of the value
	 * @return the value, {@code null} if the loader returned {@code null}
	 * @throws Exception what the loader throws, never cached
	 */
	<T> @Nullable T get(String cacheName, Object key, Class<T> type, Callable<? extends @Nullable T> loader,
			String... tags) throws Exception;

	/**
	 * The value of a key of a generic type, from either tier, or else loaded, tagged and
	 * stored.
	 * @param <T> the value type
	 * @param cacheName the cache
	 * @param key the key
	 * @param type the value type, such as {@code new
	 * ParameterizedTypeReference<List<Product>>() {}}
	 * @param loader loads the value on a miss
	 * @param tags the tags of the value
	 * @return the value, {@code null} if the loader returned {@code null}
	 * @throws Exception what the loader throws, never cached
	 */
	<T> @Nullable T get(String cacheName, Object key, ParameterizedTypeReference<T> type,
			Callable<? extends @Nullable T> loader, Collection<String> tags) throws Exception;

	/**
	 * Invalidate tags on every instance, as {@code @InvalidatesTags} does. Without the
	 * outbox it runs at once, not after the current transaction: call it after your
	 * commit. With the outbox ({@code tiercache.outbox.enabled}), called inside a
	 * transaction, it writes the tags to the outbox in that transaction and invalidates
	 * them once it commits (not at all if it rolls back), so that the invalidation cannot
	 * be lost. Never throws into the caller, but for a failure to write the outbox row,
	 * which must roll the transaction back: if Redis cannot be reached the invalidation
	 * is retried in the background.
	 * @param tags the tags
	 */
	void invalidate(Collection<String> tags);

	/**
	 * Invalidate tags on every instance.
	 * @param tags the tags
	 * @see #invalidate(Collection)
	 */
	default void invalidate(String... tags) {
		invalidate(List.of(tags));
	}

	/**
	 * Evict one key of a cache on every instance. Works for entries stored through this
	 * API or the Spring Cache bridge; entries of {@code @Cached} methods are evicted by
	 * their tags.
	 * @param cacheName the cache
	 * @param key the key
	 */
	void evict(String cacheName, Object key);

	/**
	 * Clear a cache on every instance, in both tiers, at the cost of one invalidation
	 * however many entries it holds: every entry of every cache carries its cache's tag.
	 * @param cacheName the cache
	 */
	void clear(String cacheName);

	/**
	 * Drop the local tier of every cache, in this process only. Entries in Redis stay
	 * valid and are read again on the next calls.
	 */
	void clearLocal();

}
