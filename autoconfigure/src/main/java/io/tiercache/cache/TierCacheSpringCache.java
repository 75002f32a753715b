package io.tiercache.cache;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.tiercache.store.CacheTags;
import io.tiercache.store.StoreErrorHandler.CacheFailure;
import io.tiercache.store.TieredCache;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.support.AbstractValueAdaptingCache;

/**
 * A Spring {@link org.springframework.cache.Cache} over a {@link TieredCache}: what
 * {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} use when the bridge is
 * enabled.
 * <ul>
 * <li>Every entry carries its cache's tag and its key's tag ({@link CacheTags}).
 * {@link #evict} invalidates the key's tag and {@link #clear} the cache's tag, on every
 * instance; both are applied here before they return, so {@link #evictIfPresent} and
 * {@link #invalidate} are immediate too.</li>
 * <li>{@link #put} invalidates the key's tag (so that no instance keeps serving the old
 * value), then stores the new value through the store's usual validated write: a put
 * costs a publish and two round trips. {@code @Cacheable(sync = true)}, which calls
 * {@link #get(Object, Callable)}, loads and stores in one pass with no invalidation.</li>
 * <li>{@code null} is stored as {@link org.springframework.cache.support.NullValue} when
 * null values are allowed.</li>
 * <li>{@link #retrieve} answers a local hit at once and otherwise asks Redis on the given
 * executor.</li>
 * <li>Only loads alike are shared ({@link io.tiercache.store.CacheLoad#shared()}):
 * concurrent {@link #get(Object, Callable)} and {@link #retrieve(Object, Supplier)} calls
 * of a key share one load (in this process; across processes, through the lease), but a
 * lookup ({@link #get(Object)}), a {@link #put} or a {@link #putIfAbsent} goes to Redis
 * by itself: a lookup may find nothing, which answers no caller that must load, and a
 * put's value is stored whatever else is in flight. None of them takes the lease, so no
 * other process waits for them.</li>
 * </ul>
 * A lookup that finds nothing is counted as a miss and as a load that returned nothing to
 * store ({@code tiercache.values.not.cached{reason=condition}}).
 *
 * @since 0.1.0
 */
public class TierCacheSpringCache extends AbstractValueAdaptingCache {

	private final String name;

	private final TieredCache cache;

	private final TierCacheTemplate template;

	private final Executor executor;

	private final String cacheTag;

	/**
	 * Create a cache.
	 * @param name the cache name
	 * @param cache the store's cache of that name, bound to
	 * {@link SpringCacheValueCodec#VALUE_TYPE}
	 * @param template renders key tags and reaches the store
	 * @param allowNullValues whether {@code null} values may be stored
	 * @param executor runs the Redis round trips of {@link #retrieve}
	 */
	public TierCacheSpringCache(String name, TieredCache cache, TierCacheTemplate template, boolean allowNullValues,
			Executor executor) {
		super(allowNullValues);
		this.name = name;
		this.cache = cache;
		this.template = template;
		this.executor = executor;
		this.cacheTag = CacheTags.cache(name);
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public TieredCache getNativeCache() {
		return this.cache;
	}

	@Override
	protected @Nullable Object lookup(Object key) {
		if (!enabled()) {
			return null;
		}
		Object value = this.cache.getLocal(key);
		if (value != TieredCache.MISS) {
			return value;
		}
		List<String> tags = this.template.entryTags(this.name, key, List.of());
		if (tags == null) {
			return null;
		}
		try {
			value = TierCacheTemplate.load(this.cache, key, TaggedLoad.lookup(tags));
		}
		catch (Exception ex) {
			// The lookup load cannot throw, and the store throws nothing of its own
			throw new IllegalStateException(ex);
		}
		return (value != TaggedLoad.NOT_FOUND) ? value : null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		Object value = enabled() ? this.cache.getLocal(key) : TieredCache.MISS;
		if (value != TieredCache.MISS) {
			return (T) fromStoreValue(value);
		}
		Callable<Object> storing = () -> {
			T loaded;
			try {
				loaded = valueLoader.call();
			}
			catch (Exception ex) {
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
			return toStoreValue(loaded);
		};
		List<String> tags = enabled() ? this.template.entryTags(this.name, key, List.of()) : null;
		try {
			Object stored = (tags != null) ? TierCacheTemplate.load(this.cache, key, new TaggedLoad(tags, storing))
					: storing.call();
			if (strayNotFound(stored)) {
				stored = storing.call();
			}
			return (T) fromStoreValue(stored);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	}

	@Override
	public @Nullable CompletableFuture<?> retrieve(Object key) {
		Object local = enabled() ? this.cache.getLocal(key) : TieredCache.MISS;
		if (local != TieredCache.MISS) {
			return CompletableFuture.completedFuture(adapt(local));
		}
		return CompletableFuture.supplyAsync(() -> {
			Object value = lookup(key);
			return (value != null) ? adapt(value) : null;
		}, this.executor);
	}

	private Object adapt(Object storeValue) {
		return isAllowNullValues() ? toValueWrapper(storeValue) : fromStoreValue(storeValue);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		Object local = enabled() ? this.cache.getLocal(key) : TieredCache.MISS;
		if (local != TieredCache.MISS) {
			return CompletableFuture.completedFuture((T) fromStoreValue(local));
		}
		return CompletableFuture.supplyAsync(() -> {
			Callable<Object> storing = () -> toStoreValue(valueLoader.get().join());
			List<String> tags = enabled() ? this.template.entryTags(this.name, key, List.of()) : null;
			try {
				Object value = (tags != null) ? TierCacheTemplate.load(this.cache, key, new TaggedLoad(tags, storing))
						: storing.call();
				if (strayNotFound(value)) {
					value = storing.call();
				}
				return (T) fromStoreValue(value);
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new CompletionException(ex);
			}
		}, this.executor);
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		Object storeValue = toStoreValue(value);
		List<String> tags = this.template.entryTags(this.name, key, List.of());
		if (tags == null || !enabled()) {
			return;
		}
		// The key's tag first: every instance drops the old value, and the entry stored
		// below is newer than that invalidation, so the store accepts it
		this.template.store().invalidate(List.of(tags.get(1)));
		try {
			TierCacheTemplate.load(this.cache, key, TaggedLoad.storing(tags, storeValue));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		if (!enabled()) {
			return null;
		}
		Object local = this.cache.getLocal(key);
		if (local != TieredCache.MISS) {
			return toValueWrapper(local);
		}
		Object storeValue = toStoreValue(value);
		List<String> tags = this.template.entryTags(this.name, key, List.of());
		if (tags == null) {
			return null;
		}
		TaggedLoad load = TaggedLoad.storing(tags, storeValue);
		Object existing;
		try {
			existing = TierCacheTemplate.load(this.cache, key, load);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		if (load.loaded() || strayNotFound(existing)) {
			return null;
		}
		return toValueWrapper(existing);
	}

	/**
	 * Whether the store answered a lookup's {@link TaggedLoad#NOT_FOUND} where a value
	 * was expected. Only a lookup answers it, and a lookup is never shared, so this is a
	 * bug: it is reported, and the answer is never cast or wrapped. The caller gets what
	 * it would have got without the cache (its loader's value, uncached; "absent" for
	 * {@link #putIfAbsent}).
	 */
	private boolean strayNotFound(@Nullable Object answer) {
		if (answer != TaggedLoad.NOT_FOUND) {
			return false;
		}
		this.template.store()
			.errorHandler()
			.handleCacheError(this.name, CacheFailure.STORE,
					new IllegalStateException("A lookup's answer reached a caller that expected a value"));
		return true;
	}

	private boolean enabled() {
		return this.cache.settings().enabled();
	}

	@Override
	public void evict(Object key) {
		this.template.evict(this.name, key);
	}

	@Override
	public boolean evictIfPresent(Object key) {
		boolean present = lookup(key) != null;
		evict(key);
		return present;
	}

	@Override
	public void clear() {
		this.template.store().invalidate(List.of(this.cacheTag));
	}

	/**
	 * Clear the cache on every instance, as {@link #clear()} does, and say whether this
	 * instance held entries of it that could be served until now. This instance's local
	 * entries of the cache are dropped by the call, so a second call in a row answers
	 * {@code false}. Entries that only other instances hold, or that are only in Redis,
	 * do not count: telling would take reading them, and Spring allows {@code false}
	 * whenever presence cannot be determined.
	 * @return whether this instance held entries of the cache that could be served
	 */
	@Override
	public boolean invalidate() {
		// Before the invalidation, which makes every entry unservable (but leaves them in
		// the local tier until read).
		boolean hadEntries = this.cache.dropLocal();
		clear();
		return hadEntries;
	}

}
