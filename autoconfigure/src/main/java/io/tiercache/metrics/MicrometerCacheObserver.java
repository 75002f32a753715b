package io.tiercache.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tiercache.store.CacheObserver;
import io.tiercache.store.CacheStatistics;

/**
 * The meters of one cache, resolved once when the cache is created, so that recording
 * costs an increment; also the counts behind its standard {@code cache.*} meters.
 */
final class MicrometerCacheObserver implements CacheObserver, CacheStatistics {

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

	private final Counter staleRefreshed;

	private final Counter staleRefreshFailed;

	private final Counter earlyRefreshed;

	private final Counter earlyRefreshFailed;

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
		this.staleRefreshed = refreshes(registry, cache, "stale", "success");
		this.staleRefreshFailed = refreshes(registry, cache, "stale", "failure");
		this.earlyRefreshed = refreshes(registry, cache, "early", "success");
		this.earlyRefreshFailed = refreshes(registry, cache, "early", "failure");
		for (NotCachedReason reason : NotCachedReason.values()) {
			this.notCached.put(reason,
					Counter.builder("tiercache.values.not.cached")
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

	private static Counter refreshes(MeterRegistry registry, String cache, String kind, String result) {
		return Counter.builder("tiercache.refreshes")
			.description("Background refreshes: stale-while-revalidate (stale) or early (XFetch)")
			.tags("cache", cache, "kind", kind, "result", result)
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
		if (early) {
			(success ? this.earlyRefreshed : this.earlyRefreshFailed).increment();
		}
		else {
			(success ? this.staleRefreshed : this.staleRefreshFailed).increment();
		}
	}

}
