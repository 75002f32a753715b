package io.tiercache.metrics;

import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinderCompatibilityKit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.cache.BridgeFixture;
import io.tiercache.store.TieredCache;
import io.tiercache.test.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cache.Cache;

/**
 * Micrometer's compatibility kit for the standard cache meters, run on a real store
 * (driven through the Spring Cache bridge) against a real Redis.
 */
class TieredCacheMeterBinderCompatibilityKitTests extends CacheMeterBinderCompatibilityKit<TieredCache> {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private @Nullable BridgeFixture fixture;

	private @Nullable MicrometerStoreObserver observer;

	private @Nullable Cache springCache;

	@Override
	public TieredCache createCache() {
		redis.flushAll();
		this.observer = new MicrometerStoreObserver(new SimpleMeterRegistry());
		this.fixture = new BridgeFixture(redis, this.observer, true);
		this.springCache = this.fixture.cacheManager.getCache("mycache");
		return (TieredCache) this.springCache.getNativeCache();
	}

	@Override
	public CacheMeterBinder<TieredCache> binder() {
		return this.observer.binder(this.cache);
	}

	@Override
	public void put(String key, String value) {
		this.springCache.put(key, value);
	}

	@Override
	public @Nullable String get(String key) {
		Cache.ValueWrapper wrapper = this.springCache.get(key);
		return (wrapper != null) ? (String) wrapper.get() : null;
	}

	@Override
	public void dereferenceCache() {
		super.dereferenceCache();
		close();
		this.springCache = null;
		this.observer = null;
	}

	@AfterEach
	void close() {
		if (this.fixture != null) {
			this.fixture.close();
			this.fixture = null;
		}
	}

}
