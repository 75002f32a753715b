package io.tiercache.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.fanout.InvalidationView.ClearReason;
import io.tiercache.store.CacheObserver;
import io.tiercache.store.StoreObserver;

/**
 * Records what the store and the subscriber see as Micrometer meters. Every meter is looked
 * up once, when its cache is created, so recording costs an increment.
 * <p>
 * Standard cache meters keep Spring Boot's names and tags ({@code cache.gets{cache,
 * cache.manager, result}}, {@code cache.puts}) so existing dashboards work; tier-specific ones
 * live under {@code tiercache.*}.
 *
 * @since 0.1.0
 */
public class MicrometerStoreObserver implements StoreObserver, InvalidationSubscriber.Observer {

	/** Value of the {@code cache.manager} tag. */
	public static final String CACHE_MANAGER = "tiercache";

	private final MeterRegistry registry;

	private final Counter published;

	private final Counter failed;

	private final Counter retried;

	private final Counter received;

	private final Counter malformed;

	private final Timer lag;

	private final Counter stalls;

	private final Map<ClearReason, Counter> clears = new EnumMap<>(ClearReason.class);

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
		for (ClearReason reason : ClearReason.values()) {
			this.clears.put(reason, Counter.builder("tiercache.local.clears")
				.description("Times the local tier of every cache was cleared")
				.tag("reason", reason.name().toLowerCase())
				.register(registry));
		}
	}

	@Override
	public CacheObserver cache(String cacheName) {
		return new MicrometerCacheObserver(this.registry, cacheName);
	}

	@Override
	public void redisError(String operation) {
		this.registry.counter("tiercache.redis.errors", "operation", operation).increment();
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

	private static final class MicrometerCacheObserver implements CacheObserver {

		private final Counter hits;

		private final Counter misses;

		private final Counter puts;

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
			this.hits = standardGets(registry, cache, "hit");
			this.misses = standardGets(registry, cache, "miss");
			this.puts = Counter.builder("cache.puts")
				.description("The number of entries added to the cache")
				.tags("cache", cache, "cache.manager", CACHE_MANAGER)
				.register(registry);
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
					.tags("cache", cache, "reason", reason.name().toLowerCase())
					.register(registry));
			}
		}

		private static Counter standardGets(MeterRegistry registry, String cache, String result) {
			return Counter.builder("cache.gets")
				.description("The number of times cache lookup methods have returned a cached (hit) or uncached (miss) value")
				.tags("cache", cache, "cache.manager", CACHE_MANAGER, "result", result)
				.register(registry);
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
