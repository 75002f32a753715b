package io.tiercache.metrics;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tiercache.store.CacheObserver;
import io.tiercache.store.CacheStatistics;
import io.tiercache.store.LocalTrust.ClearReason;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredCache;

/**
 * Records what the store sees as Micrometer meters: the store-wide counters here, each
 * cache's in a {@link MicrometerCacheObserver}; the fan-out's are {@link FanoutMeters}.
 * Every meter is looked up once, when its cache is created, so recording costs an
 * increment.
 * <p>
 * Standard cache meters keep Spring Boot's names and tags ({@code cache.gets{cache,
 * cache.manager, result}}, {@code cache.puts}, {@code cache.evictions},
 * {@code cache.size}) so existing dashboards work: they are bound by a
 * {@link TieredCacheMeterBinder} when each cache is created, over counts kept here.
 * Tier-specific ones live under {@code tiercache.*}.
 *
 * <h2>Adding a meter</h2> A new event of the store is a new default method of
 * {@link CacheObserver} (per cache) or {@link StoreObserver} (store-wide), recorded by a
 * meter resolved in the constructor, as load coordination is
 * ({@code tiercache.loads.coalesced}, {@code tiercache.lease.waits},
 * {@code tiercache.refreshes}, {@code tiercache.gets{result=stale}}).
 *
 * @since 0.1.0
 */
public class MicrometerStoreObserver implements StoreObserver {

	/** Value of the {@code cache.manager} tag. */
	public static final String CACHE_MANAGER = "tiercache";

	/** Operations of {@code RedisTier}, the values of the {@code operation} tag. */
	private static final List<String> REDIS_OPERATIONS = List.of("read", "write", "invalidate", "sequence", "probe",
			"unlink");

	private final MeterRegistry registry;

	private final Counter published;

	private final Counter failed;

	private final Counter retried;

	private final Counter dropped;

	private final Counter refusedTags;

	private final Map<ClearReason, Counter> clears = new EnumMap<>(ClearReason.class);

	private final Map<String, MicrometerCacheObserver> caches = new ConcurrentHashMap<>();

	private final Map<String, Counter> redisErrors = new ConcurrentHashMap<>();

	private final Map<String, Counter> expressionFailures = new ConcurrentHashMap<>();

	public MicrometerStoreObserver(MeterRegistry registry) {
		this.registry = registry;
		this.published = Counter.builder("tiercache.invalidations.published")
			.description("Invalidations that reached Redis")
			.register(registry);
		this.failed = Counter.builder("tiercache.invalidations.failed")
			.description("Invalidations that could not reach Redis at first and were queued for retry")
			.register(registry);
		this.retried = Counter.builder("tiercache.invalidations.retried")
			.description("Queued invalidations that reached Redis on a retry")
			.register(registry);
		this.dropped = Counter.builder("tiercache.invalidations.dropped")
			.description("Queued invalidations that could not reach Redis before shutdown")
			.register(registry);
		this.refusedTags = Counter.builder("tiercache.invalidations.refused")
			.description("Tags of invalidations refused as text Redis cannot hold as it is; no entry carries them")
			.register(registry);
		// Registered up front, so that dashboards show a zero rather than no data.
		for (String operation : REDIS_OPERATIONS) {
			this.redisErrors.put(operation, redisErrors(registry, operation));
		}
		for (ClearReason reason : ClearReason.values()) {
			this.clears.put(reason,
					Counter.builder("tiercache.local.clears")
						.description("Times the local tier of every cache was cleared")
						.tag("reason", reason.name().toLowerCase())
						.register(registry));
		}
	}

	@Override
	public CacheObserver cache(String cacheName) {
		return observer(cacheName);
	}

	@Override
	public CacheStatistics statistics(String cacheName) {
		return observer(cacheName);
	}

	private MicrometerCacheObserver observer(String cacheName) {
		return this.caches.computeIfAbsent(cacheName, (name) -> new MicrometerCacheObserver(this.registry, name));
	}

	@Override
	public void cacheCreated(TieredCache cache) {
		binder(cache).bindTo(this.registry);
	}

	/**
	 * The standard meters of a cache created by the store this observer observes.
	 * @param cache the cache
	 * @return its binder, not yet bound
	 */
	public TieredCacheMeterBinder binder(TieredCache cache) {
		return new TieredCacheMeterBinder(cache, statistics(cache.settings().name()),
				Tags.of("cache.manager", CACHE_MANAGER));
	}

	@Override
	public void expressionFailed(String attribute, StoreErrorHandler.ExpressionConsequence consequence) {
		this.expressionFailures.computeIfAbsent(attribute + "/" + consequence.name(),
				(key) -> Counter.builder("tiercache.expression.failures")
					.description("Expressions of @Cached or @InvalidatesTags that failed or yielded null at run time")
					.tag("attribute", attribute)
					.tag("consequence", consequence.name().toLowerCase(Locale.ROOT))
					.register(this.registry))
			.increment();
	}

	@Override
	public void redisError(String operation) {
		Counter counter = this.redisErrors.get(operation);
		if (counter == null) {
			counter = this.redisErrors.computeIfAbsent(operation, (name) -> redisErrors(this.registry, name));
		}
		counter.increment();
	}

	private static Counter redisErrors(MeterRegistry registry, String operation) {
		return Counter.builder("tiercache.redis.errors")
			.description("Redis operations that failed; each was answered without Redis")
			.tag("operation", operation)
			.register(registry);
	}

	@Override
	public void invalidationPublished() {
		this.published.increment();
	}

	@Override
	public void invalidationFailed() {
		this.failed.increment();
	}

	@Override
	public void invalidationRetried() {
		this.retried.increment();
	}

	@Override
	public void invalidationDropped() {
		this.dropped.increment();
	}

	@Override
	public void invalidationTagRefused() {
		this.refusedTags.increment();
	}

	@Override
	public void localCleared(ClearReason reason) {
		this.clears.get(reason).increment();
	}

}
