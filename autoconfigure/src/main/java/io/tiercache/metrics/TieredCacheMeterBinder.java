package io.tiercache.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import io.tiercache.store.CacheStatistics;
import io.tiercache.store.TieredCache;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer's standard cache meters for one {@link TieredCache}, with Spring Boot's
 * names and tag keys ({@code cache.gets{cache, cache.manager, result}},
 * {@code cache.puts}, {@code cache.evictions}, {@code cache.size}), so that dashboards
 * made for Boot's caches work unchanged.
 * <ul>
 * <li>{@code cache.gets{result=hit}}: calls served by either tier;
 * {@code cache.gets{result=miss}}: calls that ran the method.</li>
 * <li>{@code cache.puts}: entries stored (in Redis, and in the local tier where it is
 * used).</li>
 * <li>{@code cache.evictions}: entries the local tier dropped for its size limit or their
 * time to live, as Caffeine counts them.</li>
 * <li>{@code cache.size}: entries in this process's local tier (approximate).</li>
 * </ul>
 * The counts come from a {@link CacheStatistics} that the store's observer keeps up to
 * date.
 *
 * @since 0.1.0
 */
public final class TieredCacheMeterBinder extends CacheMeterBinder<TieredCache> {

	private final CacheStatistics statistics;

	/**
	 * Create a binder.
	 * @param cache the cache
	 * @param statistics its counts
	 * @param tags tags to add to every meter besides {@code cache} (usually
	 * {@code cache.manager})
	 */
	public TieredCacheMeterBinder(TieredCache cache, CacheStatistics statistics, Iterable<Tag> tags) {
		super(cache, cache.settings().name(), tags);
		this.statistics = statistics;
	}

	@Override
	protected @Nullable Long size() {
		TieredCache cache = getCache();
		return (cache != null) ? cache.localSize() : null;
	}

	@Override
	protected long hitCount() {
		return this.statistics.hits();
	}

	@Override
	protected Long missCount() {
		return this.statistics.misses();
	}

	@Override
	protected Long evictionCount() {
		return this.statistics.evictions();
	}

	@Override
	protected long putCount() {
		return this.statistics.puts();
	}

	@Override
	protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
		// The tier-specific meters are recorded directly by MicrometerStoreObserver.
	}

}
