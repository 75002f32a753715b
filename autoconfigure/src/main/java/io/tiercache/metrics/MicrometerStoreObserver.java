package io.tiercache.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.fanout.InvalidationView;
import io.tiercache.fanout.InvalidationView.ClearReason;
import io.tiercache.fanout.InvalidationView.Distrust;
import io.tiercache.store.CacheObserver;
import io.tiercache.store.CacheStatistics;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredCache;

/**
 * Records what the store and the subscriber see as Micrometer meters. Every meter is looked
 * up once, when its cache is created, so recording costs an increment.
 * <p>
 * Standard cache meters keep Spring Boot's names and tags ({@code cache.gets{cache,
 * cache.manager, result}}, {@code cache.puts}, {@code cache.evictions}, {@code cache.size}) so
 * existing dashboards work: they are bound by a {@link TieredCacheMeterBinder} when each cache
 * is created, over counts kept here. Tier-specific ones live under {@code tiercache.*}.
 *
 * <h2>Adding a meter</h2>
 * A new event of the store is a new default method of {@link CacheObserver} (per cache) or
 * {@link StoreObserver} (store-wide), recorded here by a meter resolved in the constructor, as
 * load coordination is ({@code tiercache.loads.coalesced}, {@code tiercache.lease.waits},
 * {@code tiercache.refreshes}, {@code tiercache.gets{result=stale}}).
 *
 * @since 0.1.0
 */
public class MicrometerStoreObserver implements StoreObserver, InvalidationSubscriber.Observer {

	/** Value of the {@code cache.manager} tag. */
	public static final String CACHE_MANAGER = "tiercache";

	/** Operations of {@code RedisTier}, the values of the {@code operation} tag. */
	private static final List<String> REDIS_OPERATIONS = List.of("read", "write", "invalidate", "sequence", "probe",
			"unlink");

	private final MeterRegistry registry;

	private final Counter published;

	private final Counter failed;

	private final Counter retried;

	private final Counter received;

	private final Counter malformed;

	private final Timer lag;

	private final Counter stalls;

	private final Map<ClearReason, Counter> clears = new EnumMap<>(ClearReason.class);

	private final Map<String, MicrometerCacheObserver> caches = new ConcurrentHashMap<>();

	private final Map<String, Counter> redisErrors = new ConcurrentHashMap<>();

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
		this.received = Counter.builder("tiercache.invalidations.received")
			.description("Invalidation messages received from the channel")
			.register(registry);
		this.malformed = Counter.builder("tiercache.invalidations.malformed")
			.description("Messages on the invalidation channel that could not be decoded and were dropped")
			.register(registry);
		this.stalls = Counter.builder("tiercache.subscription.stalls")
			.description("Times messages stopped arriving unnoticed and the subscription was re-established")
			.register(registry);
		this.lag = Timer.builder("tiercache.invalidations.lag")
			.description("Time from an invalidation's publish to its application in this process")
			.publishPercentileHistogram()
			// Loopback delivery takes tens of microseconds: the default buckets start at 1 ms.
			.minimumExpectedValue(Duration.ofMillis(1).dividedBy(100))
			.maximumExpectedValue(Duration.ofSeconds(10))
			.register(registry);
		// Registered up front, so that dashboards show a zero rather than no data.
		for (String operation : REDIS_OPERATIONS) {
			this.redisErrors.put(operation, redisErrors(registry, operation));
		}
		for (ClearReason reason : ClearReason.values()) {
			this.clears.put(reason, Counter.builder("tiercache.local.clears")
				.description("Times the local tier of every cache was cleared")
				.tag("reason", reason.name().toLowerCase())
				.register(registry));
		}
	}

	/**
	 * Register gauges of this process's fan-out state: {@code tiercache.subscription.confirmed}
	 * (1 while the invalidation channel subscription is confirmed) and
	 * {@code tiercache.local.trusted} (1 while the local tier may serve entries).
	 * @param view the invalidation view
	 * @return this observer
	 */
	public MicrometerStoreObserver bindState(InvalidationView view) {
		Gauge.builder("tiercache.subscription.confirmed", view, (v) -> v.distrusts(Distrust.UNSUBSCRIBED) ? 0 : 1)
			.description("Whether the invalidation channel subscription is confirmed (1) or not (0)")
			.register(this.registry);
		Gauge.builder("tiercache.local.trusted", view, (v) -> v.trusted() ? 1 : 0)
			.description("Whether the local tier may serve entries (1) or is bypassed (0)")
			.register(this.registry);
		return this;
	}

	@Override
	public CacheObserver cache(String cacheName) {
		return this.caches.computeIfAbsent(cacheName, (name) -> new MicrometerCacheObserver(this.registry, name));
	}

	@Override
	public CacheStatistics statistics(String cacheName) {
		return (MicrometerCacheObserver) cache(cacheName);
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
	public void localCleared(ClearReason reason) {
		this.clears.get(reason).increment();
	}

	@Override
	public void received(long lagMicros) {
		this.received.increment();
		this.lag.record(lagMicros, TimeUnit.MICROSECONDS);
	}

	@Override
	public void malformed() {
		this.malformed.increment();
	}

	@Override
	public void stalled() {
		this.stalls.increment();
	}

	private static final class MicrometerCacheObserver implements CacheObserver, CacheStatistics {

		private final LongAdder hits = new LongAdder();

		private final LongAdder misses = new LongAdder();

		private final LongAdder puts = new LongAdder();

		private final LongAdder evictions = new LongAdder();

		private final Counter localHits;

		private final Counter localMisses;

		private final Counter localInvalid;

		private final Counter remoteHits;

		private final Counter remoteMisses;

		private final Counter remoteUndecodable;

		private final Timer loadSuccess;

		private final Timer loadFailure;

		private final Map<NotCachedReason, Counter> notCached = new EnumMap<>(NotCachedReason.class);

		private final Counter coalescedLocal;

		private final Counter coalescedRemote;

		private final Counter leaseWaits;

		private final Counter staleServed;

		private final Counter[] refreshes = new Counter[4];

		MicrometerCacheObserver(MeterRegistry registry, String cache) {
			this.localHits = gets(registry, cache, "local", "hit");
			this.localMisses = gets(registry, cache, "local", "miss");
			this.localInvalid = gets(registry, cache, "local", "invalid");
			this.remoteHits = gets(registry, cache, "remote", "hit");
			this.remoteMisses = gets(registry, cache, "remote", "miss");
			this.remoteUndecodable = gets(registry, cache, "remote", "undecodable");
			this.loadSuccess = loads(registry, cache, "success");
			this.loadFailure = loads(registry, cache, "failure");
			this.coalescedLocal = coalesced(registry, cache, "local");
			this.coalescedRemote = coalesced(registry, cache, "remote");
			this.leaseWaits = Counter.builder("tiercache.lease.waits")
				.description("Backoff waits of a miss for another process's load")
				.tags("cache", cache)
				.register(registry);
			this.staleServed = gets(registry, cache, "remote", "stale");
			String[][] refreshTags = { { "stale", "success" }, { "stale", "failure" }, { "early", "success" },
					{ "early", "failure" } };
			for (int i = 0; i < refreshTags.length; i++) {
				this.refreshes[i] = Counter.builder("tiercache.refreshes")
					.description("Background refreshes: stale-while-revalidate (stale) or early (XFetch)")
					.tags("cache", cache, "kind", refreshTags[i][0], "result", refreshTags[i][1])
					.register(registry);
			}
			for (NotCachedReason reason : NotCachedReason.values()) {
				this.notCached.put(reason, Counter.builder("tiercache.values.not.cached")
					.description("Results returned to the caller but not stored")
					.tags("cache", cache, "reason", reason.name().toLowerCase().replace('_', '-'))
					.register(registry));
			}
		}

		private static Counter gets(MeterRegistry registry, String cache, String tier, String result) {
			return Counter.builder("tiercache.gets")
				.description("Lookups by tier and result")
				.tags("cache", cache, "tier", tier, "result", result)
				.register(registry);
		}

		private static Counter coalesced(MeterRegistry registry, String cache, String scope) {
			return Counter.builder("tiercache.loads.coalesced")
				.description("Misses served by another caller's load: in this process (local) or another (remote)")
				.tags("cache", cache, "scope", scope)
				.register(registry);
		}

		private static Timer loads(MeterRegistry registry, String cache, String result) {
			return Timer.builder("tiercache.loads")
				.description("Calls of the cached method")
				.tags("cache", cache, "result", result)
				.register(registry);
		}

		@Override
		public void localHit() {
			this.localHits.increment();
			this.hits.increment();
		}

		@Override
		public void localMiss() {
			this.localMisses.increment();
		}

		@Override
		public void localInvalid() {
			this.localInvalid.increment();
		}

		@Override
		public void remoteHit() {
			this.remoteHits.increment();
			this.hits.increment();
		}

		@Override
		public void remoteMiss() {
			this.remoteMisses.increment();
		}

		@Override
		public void remoteUndecodable() {
			this.remoteUndecodable.increment();
		}

		@Override
		public void put() {
			this.puts.increment();
		}

		@Override
		public void localEviction() {
			this.evictions.increment();
		}

		@Override
		public long hits() {
			return this.hits.sum();
		}

		@Override
		public long misses() {
			return this.misses.sum();
		}

		@Override
		public long puts() {
			return this.puts.sum();
		}

		@Override
		public long evictions() {
			return this.evictions.sum();
		}

		@Override
		public void load(long nanos, boolean success) {
			this.misses.increment();
			((success) ? this.loadSuccess : this.loadFailure).record(nanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void notCached(NotCachedReason reason) {
			this.notCached.get(reason).increment();
		}

		@Override
		public void coalesced(boolean crossProcess) {
			if (crossProcess) {
				// Already counted as a hit when the other process's entry was read.
				this.coalescedRemote.increment();
			}
			else {
				this.coalescedLocal.increment();
				this.hits.increment();
			}
		}

		@Override
		public void leaseWaited() {
			this.leaseWaits.increment();
		}

		@Override
		public void staleServed() {
			this.staleServed.increment();
		}

		@Override
		public void refreshed(boolean early, boolean success) {
			this.refreshes[(early ? 2 : 0) + (success ? 0 : 1)].increment();
		}

	}

}
