package io.tiercache.cache;

import java.lang.reflect.Type;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.tiercache.store.CacheSettings;
import io.tiercache.store.CacheTags;
import io.tiercache.store.KeyRenderer;
import io.tiercache.store.StoreErrorHandler.CacheFailure;
import io.tiercache.store.TieredCache;
import io.tiercache.store.TieredStore;
import io.tiercache.store.ValueCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;

/**
 * The {@link TierCacheOperations} over a {@link TieredStore}. Every entry it stores
 * carries, besides the caller's tags, its cache's tag ({@link CacheTags#cache}) and its
 * key's tag ({@link CacheTags#key}), so that {@link #clear} and {@link #evict} are
 * invalidations like any other: O(1), on every instance.
 *
 * @since 0.1.0
 */
public class TierCacheTemplate implements TierCacheOperations {

	private final TieredStore store;

	private final KeyRenderer keyRenderer;

	private final Function<String, CacheSettings> settings;

	private final Map<CacheId, TieredCache> caches = new ConcurrentHashMap<>();

	/**
	 * Create a template.
	 * @param store the store
	 * @param settings the settings of a cache by name, asked once per cache
	 */
	public TierCacheTemplate(TieredStore store, Function<String, CacheSettings> settings) {
		this.store = store;
		// Key tags render keys exactly as this template's caches render entry keys.
		this.keyRenderer = KeyRenderer.dynamic();
		this.settings = settings;
	}

	@Override
	public <T> @Nullable T get(String cacheName, Object key, Class<T> type, Callable<? extends @Nullable T> loader,
			String... tags) throws Exception {
		return get(cache(cacheName, type), key, loader, List.of(tags));
	}

	@Override
	public <T> @Nullable T get(String cacheName, Object key, ParameterizedTypeReference<T> type,
			Callable<? extends @Nullable T> loader, Collection<String> tags) throws Exception {
		return get(cache(cacheName, type.getType()), key, loader, tags);
	}

	@SuppressWarnings("unchecked")
	private <T> @Nullable T get(TieredCache cache, Object key, Callable<? extends @Nullable T> loader,
			Collection<String> tags) throws Exception {
		if (!cache.settings().enabled()) {
			return loader.call();
		}
		Object value = cache.getLocal(key);
		if (value != TieredCache.MISS) {
			return (T) value;
		}
		List<String> allTags = entryTags(cache.settings().name(), key, tags);
		if (allTags == null) {
			return loader.call();
		}
		return (T) load(cache, key, new TaggedLoad(allTags, loader));
	}

	@Override
	public void invalidate(Collection<String> tags) {
		// With an outbox, inside a transaction: written in it, invalidated after it
		// commits
		if (!this.store.invalidateOnCommit(tags)) {
			this.store.invalidate(tags);
		}
	}

	@Override
	public void evict(String cacheName, Object key) {
		String tag = keyTag(cacheName, key);
		if (tag != null) {
			this.store.invalidate(List.of(tag));
		}
	}

	@Override
	public void clear(String cacheName) {
		this.store.invalidate(List.of(CacheTags.cache(cacheName)));
	}

	@Override
	public void clearLocal() {
		this.store.clearLocal();
	}

	/**
	 * The cache of a name and value type, created on first use.
	 * @param cacheName the name
	 * @param type the value type
	 * @return the cache
	 * @throws IllegalStateException if its settings are invalid, or the name is bound to
	 * another value type
	 */
	TieredCache cache(String cacheName, Type type) {
		return cache(cacheName, type, null);
	}

	/**
	 * The cache of a name and value type whose values use their own codec.
	 * @param cacheName the name
	 * @param type the value type
	 * @param codec the codec of its values, {@code null} for the store's
	 * @return the cache
	 */
	TieredCache cache(String cacheName, Type type, @Nullable ValueCodec codec) {
		CacheId id = new CacheId(cacheName, type);
		TieredCache cache = this.caches.get(id);
		if (cache == null) {
			cache = this.caches.computeIfAbsent(id, (key) -> this.store.cache(this.settings.apply(cacheName), type,
					this.keyRenderer, (codec != null) ? codec : this.store.codec()));
		}
		return cache;
	}

	TieredStore store() {
		return this.store;
	}

	/**
	 * The tags of an entry: its cache's, its key's and the caller's.
	 * @return the tags, or {@code null} if the key cannot be rendered (then the entry
	 * cannot be evicted by key, so it must not be stored)
	 */
	@Nullable List<String> entryTags(String cacheName, Object key, Collection<String> tags) {
		String keyTag = keyTag(cacheName, key);
		if (keyTag == null) {
			return null;
		}
		List<String> all = new ArrayList<>(2 + tags.size());
		all.add(CacheTags.cache(cacheName));
		all.add(keyTag);
		all.addAll(tags);
		return all;
	}

	@Nullable String keyTag(String cacheName, Object key) {
		try {
			return CacheTags.key(cacheName, this.keyRenderer.render(key));
		}
		catch (RuntimeException ex) {
			this.store.errorHandler().handleCacheError(cacheName, CacheFailure.KEY, ex);
			return null;
		}
	}

	/**
	 * Get through the store, rethrowing the loader's exception as it is.
	 */
	static @Nullable Object load(TieredCache cache, Object key, TaggedLoad load) throws Exception {
		try {
			return cache.get(key, load);
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	private record CacheId(String name, Type type) {
	}

}
