package io.tiercache.cache;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.tiercache.store.ValueCodec;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Spring {@link CacheManager} whose caches are tiercache caches: {@code @Cacheable},
 * {@code @CachePut} and {@code @CacheEvict} get the two tiers and the cross-instance
 * invalidation without changing an annotation. Caches are created on first use, with the
 * settings of {@code tiercache.caches.<name>.*} and customizers over the defaults.
 *
 * @since 0.1.0
 * @see TierCacheSpringCache
 */
public class TierCacheCacheManager implements CacheManager, DisposableBean {

	private final TierCacheTemplate template;

	private final boolean allowNullValues;

	private final SpringCacheValueCodec codec;

	private final Executor executor;

	private final Map<String, TierCacheSpringCache> caches = new ConcurrentHashMap<>();

	private final @Nullable ExecutorService ownExecutor;

	private volatile Map<String, List<Class<?>>> valueTypes = Map.of();

	/**
	 * Create a cache manager whose asynchronous retrievals run on threads of its own,
	 * stopped when it is {@linkplain #destroy() destroyed}.
	 * @param template the template over the store
	 * @param codec the codec of the bridge's values
	 * @param allowNullValues whether caches store {@code null} values
	 */
	public TierCacheCacheManager(TierCacheTemplate template, SpringCacheValueCodec codec, boolean allowNullValues) {
		this(template, codec, allowNullValues, Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "tiercache-spring-cache");
			thread.setDaemon(true);
			return thread;
		}), true);
	}

	/**
	 * Create a cache manager.
	 * @param template the template over the store
	 * @param codec the codec of the bridge's values
	 * @param allowNullValues whether caches store {@code null} values
	 * @param executor runs the Redis round trips of asynchronous retrievals; the caller
	 * stops it
	 */
	public TierCacheCacheManager(TierCacheTemplate template, SpringCacheValueCodec codec, boolean allowNullValues,
			Executor executor) {
		this(template, codec, allowNullValues, executor, false);
	}

	private TierCacheCacheManager(TierCacheTemplate template, SpringCacheValueCodec codec, boolean allowNullValues,
			Executor executor, boolean ownsExecutor) {
		this.template = template;
		this.codec = codec;
		this.allowNullValues = allowNullValues;
		this.executor = executor;
		this.ownExecutor = ownsExecutor ? (ExecutorService) executor : null;
	}

	/**
	 * Declare the types the values of some caches are of, so that a value of another
	 * class read from Redis is a miss rather than a {@code ClassCastException} in the
	 * caller. Spring's {@code Cache} API does not say what type a value is read as.
	 * @param valueTypes the types of each cache's values, by cache name
	 */
	public void setValueTypes(Map<String, List<Class<?>>> valueTypes) {
		this.valueTypes = Map.copyOf(valueTypes);
	}

	/** Stop the threads this manager created, if any. */
	@Override
	public void destroy() {
		if (this.ownExecutor != null) {
			this.ownExecutor.shutdownNow();
		}
	}

	@Override
	public @Nullable Cache getCache(String name) {
		TierCacheSpringCache cache = this.caches.get(name);
		if (cache == null) {
			cache = this.caches.computeIfAbsent(name,
					(key) -> new TierCacheSpringCache(key,
							this.template.cache(key, SpringCacheValueCodec.VALUE_TYPE, codec(key)), this.template,
							this.allowNullValues, this.executor));
		}
		return cache;
	}

	private ValueCodec codec(String name) {
		List<Class<?>> types = this.valueTypes.get(name);
		return (types != null && !types.isEmpty()) ? this.codec.expecting(types) : this.codec;
	}

	@Override
	public Collection<String> getCacheNames() {
		return Collections.unmodifiableSet(new TreeSet<>(this.caches.keySet()));
	}

}
