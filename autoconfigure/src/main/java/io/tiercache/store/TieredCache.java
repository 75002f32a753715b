package io.tiercache.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.benmanes.caffeine.cache.Cache;
import io.tiercache.fanout.InvalidationView;
import io.tiercache.fanout.TagState;
import io.tiercache.redis.Envelope;
import io.tiercache.redis.RedisTier;
import io.tiercache.redis.RedisUnavailableException;
import org.jspecify.annotations.Nullable;

/**
 * One cache: a local Caffeine tier in front of the shared Redis tier.
 *
 * <h2>Read path</h2>
 * {@link #getLocal} serves a local entry only if {@link LocalEntry#isServable} holds. On a
 * local miss, {@link #get} makes one Redis round trip that returns a valid entry or prepares a
 * load (reads the epoch and sequence {@code r}, creates the argument tags' records, takes the
 * load lease). The method then runs, and one more round trip stores the entry only if none of
 * its tags was invalidated after {@code r}; a load that lost that race goes to its caller only,
 * never to either tier.
 *
 * <h2>One load per key</h2>
 * In this process, concurrent misses of a key share one flight: the first caller loads and the
 * others take its result (or its exception), but only if no invalidation was applied here
 * between the flight's start and theirs ({@link InvalidationView#version()}); otherwise what
 * the flight read may predate a write they must see, and they load themselves. Across
 * processes, the flight that does not get the lease polls the entry with a growing backoff until
 * the lease holder has stored it, takes the lease over if the holder released it or let it
 * expire, and loads by itself once {@code leaseMaxWait} has passed.
 *
 * <h2>Freshness</h2>
 * An entry's soft expiry is its time to live; with stale-while-revalidate it stays in Redis that
 * much longer, and a read after the soft expiry returns it at once while one background refresh
 * (one per key across processes: the lease) loads a new value. Before the soft expiry, a read of
 * Redis refreshes early with the probability of XFetch (Vattani et al., VLDB 2015):
 * {@code now - delta * beta * ln(U) >= expiry}, where {@code delta} is the last load's
 * duration. Invalidated entries are never served, stale or not: validity is checked first.
 *
 * <h2>Local insertion</h2>
 * An entry enters the local tier with the generation read before its round trip, and with its
 * tags' states resolved before that round trip (argument tags) or, for tags only known after it
 * (from the result or the envelope), only if no invalidation was applied meanwhile. It leaves
 * the local tier at its soft expiry at the latest (earlier by its own XFetch draw), so staleness
 * and early refresh are decided by Redis reads.
 *
 * <h2>Failures</h2>
 * Whatever goes wrong on tiercache's side (Redis down or slow, an undecodable entry, an
 * unserializable value) ends in the method's result being returned uncached, logged and
 * counted. Only the method's own exceptions reach the caller.
 *
 * @since 0.1.0
 */
public final class TieredCache {

	/** Returned by {@link #getLocal(Object)} when the local tier has no servable entry. */
	public static final Object MISS = new Object();

	private static final TagState[] NO_TAGS = new TagState[0];

	// Polls at 0, 1, 3, 7, 15, 23, ... ms: a waiting process sees the entry within 8 ms of its
	// store, at one cheap read per 8 ms while it waits.
	private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(8);

	private final CacheSettings settings;

	private final TieredStore store;

	private final ValueCodec.Bound codec;

	private final @Nullable Cache<Object, LocalEntry> local;

	private final CacheObserver observer;

	private final String entryPrefix;

	private final String leasePrefix;

	private final ConcurrentMap<Object, Flight> flights = new ConcurrentHashMap<>();

	private final Set<Object> refreshing = ConcurrentHashMap.newKeySet();

	TieredCache(CacheSettings settings, TieredStore store, ValueCodec.Bound codec, @Nullable Cache<Object, LocalEntry> local,
			CacheObserver observer) {
		this.settings = settings;
		this.store = store;
		this.codec = codec;
		this.local = local;
		this.observer = observer;
		this.entryPrefix = store.redis().keys().entryPrefix(settings.name());
		this.leasePrefix = store.redis().keys().leasePrefix(settings.name());
	}

	public CacheSettings settings() {
		return this.settings;
	}

	/**
	 * Allocation-free lookup in the local tier.
	 * @param key the key
	 * @return the value (possibly {@code null} for a cached absent value), or {@link #MISS}
	 */
	public @Nullable Object getLocal(Object key) {
		Cache<Object, LocalEntry> local = this.local;
		if (local == null) {
			return MISS;
		}
		LocalEntry entry = local.getIfPresent(key);
		if (entry == null) {
			this.observer.localMiss();
			return MISS;
		}
		if (!entry.isServable(this.store.view())) {
			local.asMap().remove(key, entry);
			this.observer.localInvalid();
			return MISS;
		}
		this.observer.localHit();
		return entry.value;
	}

	/**
	 * The value from Redis, or else loaded through {@code load} and stored if still valid.
	 * @param key the key
	 * @param load the call that missed
	 * @return the value
	 * @throws Throwable only what the method throws
	 */
	public @Nullable Object get(Object key, CacheLoad load) throws Throwable {
		return await(fetch(key, load, false));
	}

	/**
	 * The same as {@link #get} for a method returning a {@link CompletableFuture}:
	 * {@code load} returns the method's future, and the value it completes with is cached (a
	 * failed future is not). The Redis round trips run on the calling thread.
	 * @param key the key
	 * @param load the call that missed; its {@code load()} returns a {@code CompletableFuture}
	 * @return a future of the value
	 */
	public CompletableFuture<@Nullable Object> getAsync(Object key, CacheLoad load) {
		return fetch(key, load, true);
	}

	private CompletableFuture<@Nullable Object> fetch(Object key, CacheLoad load, boolean async) {
		long version = this.store.view().version();
		Flight flight = new Flight(version);
		Flight existing = this.flights.putIfAbsent(key, flight);
		if (existing != null) {
			return join(existing, version, key, load, async);
		}
		CompletableFuture<@Nullable Object> result;
		try {
			result = lead(key, load, async, version);
		}
		catch (Throwable ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		result.whenComplete((value, ex) -> {
			this.flights.remove(key, flight);
			if (ex != null) {
				flight.future.completeExceptionally(unwrap(ex));
			}
			else {
				flight.future.complete(value);
			}
		});
		return result;
	}

	/**
	 * Take another caller's flight: its result is fresh enough only if no invalidation was
	 * applied here between its start and ours.
	 */
	private CompletableFuture<@Nullable Object> join(Flight existing, long version, Object key, CacheLoad load,
			boolean async) {
		if (existing.version != version) {
			return direct(key, load, async, version);
		}
		if (async) {
			return existing.future.handle((value, ex) -> {
				this.observer.coalesced(false);
				return (ex != null) ? CompletableFuture.<@Nullable Object>failedFuture(unwrap(ex))
						: CompletableFuture.<@Nullable Object>completedFuture(value);
			}).thenCompose((future) -> future);
		}
		try {
			Object value = existing.future.get(this.store.leaseMaxWait().toNanos(), TimeUnit.NANOSECONDS);
			this.observer.coalesced(false);
			return CompletableFuture.completedFuture(value);
		}
		catch (ExecutionException ex) {
			this.observer.coalesced(false);
			return CompletableFuture.failedFuture(unwrap(ex));
		}
		catch (TimeoutException ex) {
			// The flight outlasts the bound every caller is promised: load without it.
			return direct(key, load, async, version);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** A load outside any flight. */
	private CompletableFuture<@Nullable Object> direct(Object key, CacheLoad load, boolean async, long version) {
		try {
			return lead(key, load, async, version);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private CompletableFuture<@Nullable Object> lead(Object key, CacheLoad load, boolean async, long version)
			throws Throwable {
		String rendered;
		try {
			rendered = this.store.keyRenderer().render(key);
		}
		catch (RuntimeException ex) {
			this.store.failures().warn("key:" + this.settings.name(),
					"Cannot render the key of cache '" + this.settings.name() + "'; calling the method uncached", ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNSERIALIZABLE);
			return uncached(load, async);
		}
		Call call = new Call(key, (this.entryPrefix + rendered).getBytes(StandardCharsets.UTF_8),
				(this.leasePrefix + rendered).getBytes(StandardCharsets.UTF_8), load, version, async);
		InvalidationView view = this.store.view();
		long deadline = System.nanoTime() + this.store.leaseMaxWait().toNanos();
		long backoff = FIRST_BACKOFF_NANOS;
		boolean waited = false;
		while (true) {
			RedisTier.ReadResult read;
			try {
				read = this.store.redis()
					.read(call.entryKey, call.leaseKey, call.argumentTags, this.settings.ttl(), this.store.leaseTimeout(),
							call.token, false);
			}
			catch (RedisUnavailableException ex) {
				this.store.redisFailed(ex);
				this.observer.notCached(CacheObserver.NotCachedReason.UNAVAILABLE);
				return uncached(load, async);
			}
			view.observeEpoch(read.epoch());
			if (read.hit()) {
				Object value = hit(call, read);
				if (value != MISS) {
					if (waited) {
						this.observer.coalesced(true);
					}
					return CompletableFuture.completedFuture(value);
				}
				// Undecodable and removed, or pending here: load, with no lease (the write creates
				// missing records).
				return loadAndStore(call, read, false, async);
			}
			if (!waited) {
				this.observer.remoteMiss();
			}
			long now = System.nanoTime();
			if (read.leased() || now - deadline >= 0) {
				return loadAndStore(call, read, read.leased(), async);
			}
			// Another process is loading this key: wait for its entry, with a growing backoff.
			waited = true;
			this.observer.leaseWaited();
			long pause = Math.min(backoff, deadline - now);
			if (read.leaseTtlMillis() > 0) {
				pause = Math.min(pause, TimeUnit.MILLISECONDS.toNanos(read.leaseTtlMillis()) + FIRST_BACKOFF_NANOS);
			}
			TimeUnit.NANOSECONDS.sleep(Math.max(pause, 1));
			backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
		}
	}

	/** Decode a Redis hit, start a refresh if it is stale or wins the early-refresh draw. */
	private @Nullable Object hit(Call call, RedisTier.ReadResult read) {
		Object value;
		Envelope envelope;
		try {
			envelope = Envelope.decode(read.envelope());
			value = this.codec.decode(envelope.payload());
		}
		catch (RuntimeException ex) {
			this.store.failures().warn("decode:" + this.settings.name(), "Cannot decode an entry of cache '"
					+ this.settings.name() + "' (changed value type? bump tiercache.namespace); removing it", ex);
			this.observer.remoteUndecodable();
			try {
				this.store.redis().unlink(call.entryKey);
			}
			catch (RedisUnavailableException unlinkFailure) {
				this.store.redisFailed(unlinkFailure);
			}
			return MISS;
		}
		if (this.store.view().anyPending(envelope.tags())) {
			// This process invalidated one of its tags and Redis has not heard yet: the entry
			// may predate that write, which this process's callers must see.
			return MISS;
		}
		this.observer.remoteHit();
		long now = this.store.currentTimeMillis();
		long untilSoftExpiry = envelope.softExpiryMillis() - now;
		if (untilSoftExpiry <= 0) {
			this.observer.staleServed();
			refreshInBackground(call, false);
			return value;
		}
		double beta = this.store.earlyRefreshBeta();
		if (EarlyRefresh.shouldRefresh(now, envelope.softExpiryMillis(), envelope.loadMillis(), beta,
				this.store.randomSource())) {
			refreshInBackground(call, true);
		}
		Duration localTtl = Duration
			.ofMillis(Math.min(read.ttlMillis(), EarlyRefresh.localLifetime(untilSoftExpiry, envelope.loadMillis(),
					beta, this.store.randomSource())));
		putLocal(call, value, envelope.loadSeq(), envelope.tags(), localTtl);
		return value;
	}

	private CompletableFuture<@Nullable Object> loadAndStore(Call call, RedisTier.ReadResult read, boolean leased,
			boolean async) {
		long started = this.store.nanoTime();
		CompletableFuture<?> loaded = invoke(call.load, async);
		return loaded.handle((result, ex) -> {
			long nanos = this.store.nanoTime() - started;
			this.observer.load(nanos, ex == null);
			if (ex != null) {
				if (leased) {
					releaseLease(call);
				}
				throw new CompletionException(unwrap(ex));
			}
			boolean stored = false;
			try {
				stored = store(call, read, result, nanos / 1_000_000);
			}
			catch (RuntimeException failure) {
				// Our failure, not the method's: the caller still gets its result.
				this.store.failures().warn("store:" + this.settings.name(),
						"Cannot cache a result of cache '" + this.settings.name() + "'", failure);
				this.observer.notCached(CacheObserver.NotCachedReason.UNSERIALIZABLE);
			}
			if (leased && !stored) {
				// Nothing for the waiting processes to find: let them load at once.
				releaseLease(call);
			}
			return result;
		});
	}

	/**
	 * Store a loaded value if it is cacheable and still valid.
	 * @return whether it was stored in Redis
	 */
	private boolean store(Call call, RedisTier.ReadResult read, @Nullable Object result, long loadMillis) {
		CacheLoad load = call.load;
		if (!load.isCacheable(result)) {
			this.observer.notCached(CacheObserver.NotCachedReason.CONDITION);
			return false;
		}
		boolean absent = result == null || (result instanceof Optional<?> optional && optional.isEmpty());
		Duration baseTtl = absent ? this.settings.nullTtl() : this.settings.ttl();
		if (baseTtl == null) {
			this.observer.notCached(CacheObserver.NotCachedReason.CONDITION);
			return false;
		}
		Duration softTtl = this.settings.jitter().apply(baseTtl, this.store.random());
		Duration hardTtl = absent ? softTtl : softTtl.plus(this.settings.staleWhileRevalidate());
		List<String> tags = union(call.argumentTags, TieredStore.distinct(load.resultTags(result)));
		byte[] payload;
		try {
			payload = this.codec.encode(result);
		}
		catch (RuntimeException ex) {
			this.store.failures().warn("encode:" + this.settings.name(), "Cannot serialize a result of cache '"
					+ this.settings.name() + "'; it is returned but not cached", ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNSERIALIZABLE);
			return false;
		}
		if (payload.length > this.store.maxValueBytes()) {
			this.observer.notCached(CacheObserver.NotCachedReason.TOO_LARGE);
			return false;
		}
		long now = this.store.currentTimeMillis();
		Envelope envelope = new Envelope(read.epoch(), read.seq(), now, now + softTtl.toMillis(), loadMillis, absent,
				tags, payload);
		boolean stored;
		try {
			stored = this.store.redis().write(call.entryKey, call.leaseKey, call.token, envelope, hardTtl);
		}
		catch (RedisUnavailableException ex) {
			this.store.redisFailed(ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNAVAILABLE);
			return false;
		}
		if (!stored) {
			this.observer.notCached(CacheObserver.NotCachedReason.STALE);
			return false;
		}
		this.observer.put();
		putLocal(call, result, read.seq(), tags, Duration.ofMillis(EarlyRefresh.localLifetime(softTtl.toMillis(),
				loadMillis, this.store.earlyRefreshBeta(), this.store.randomSource())));
		return true;
	}

	/**
	 * Refresh an entry in the background: one refresh per key in this process, and one across
	 * processes (the lease). A failed refresh leaves the old entry until its hard expiry.
	 */
	private void refreshInBackground(Call call, boolean early) {
		CacheLoad refreshLoad = call.load.forRefresh();
		if (refreshLoad == null || !this.refreshing.add(call.key)) {
			return;
		}
		Call refresh = new Call(call.key, call.entryKey, call.leaseKey, refreshLoad, this.store.view().version(),
				call.async);
		try {
			this.store.refreshExecutor().execute(() -> {
				try {
					this.observer.refreshed(early, refresh(refresh));
				}
				finally {
					this.refreshing.remove(call.key);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.refreshing.remove(call.key);
			this.observer.refreshed(early, false);
		}
	}

	@SuppressWarnings("unchecked")
	private boolean refresh(Call call) {
		RedisTier.ReadResult read;
		try {
			read = this.store.redis()
				.read(call.entryKey, call.leaseKey, call.argumentTags, this.settings.ttl(), this.store.leaseTimeout(),
						call.token, true);
		}
		catch (RedisUnavailableException ex) {
			this.store.redisFailed(ex);
			return false;
		}
		if (!read.leased()) {
			// Another process is refreshing or loading it.
			return false;
		}
		long started = this.store.nanoTime();
		Object result;
		try {
			result = call.load.load();
			if (call.async && result instanceof CompletableFuture<?> future) {
				result = await((CompletableFuture<@Nullable Object>) future);
			}
		}
		catch (Throwable ex) {
			this.observer.load(this.store.nanoTime() - started, false);
			releaseLease(call);
			this.store.failures().warn("refresh:" + this.settings.name(), "A background refresh of cache '"
					+ this.settings.name() + "' failed; the old value is served until it expires", ex);
			return false;
		}
		long nanos = this.store.nanoTime() - started;
		this.observer.load(nanos, true);
		boolean stored = false;
		try {
			stored = store(call, read, result, nanos / 1_000_000);
		}
		catch (RuntimeException ex) {
			this.store.failures().warn("refresh:" + this.settings.name(),
					"Cannot cache a refreshed result of cache '" + this.settings.name() + "'", ex);
		}
		if (!stored) {
			releaseLease(call);
		}
		return stored;
	}

	private void releaseLease(Call call) {
		try {
			this.store.redis().release(call.leaseKey, call.token);
		}
		catch (RedisUnavailableException ex) {
			this.store.redisFailed(ex);
		}
	}

	private void putLocal(Call call, @Nullable Object value, long loadSeq, List<String> tags, Duration ttl) {
		Cache<Object, LocalEntry> local = this.local;
		InvalidationView view = this.store.view();
		if (local == null || !view.trusted() || ttl.isZero() || ttl.isNegative()) {
			return;
		}
		TagState[] states = new TagState[tags.size()];
		boolean resolvedLate = false;
		for (int i = 0; i < states.length; i++) {
			String tag = tags.get(i);
			TagState state = find(call.argumentStates, tag);
			if (state == null) {
				state = view.tag(tag);
				resolvedLate = true;
			}
			states[i] = state;
		}
		if ((resolvedLate && view.version() != call.version) || view.generation() != call.generation) {
			// An invalidation was applied while a tag had no state to record it: skip this once.
			return;
		}
		local.put(call.key, new LocalEntry(value, loadSeq, states, call.generation, ttl.toNanos()));
	}

	/** Drop every local entry of this cache. */
	void clearLocal() {
		if (this.local != null) {
			this.local.invalidateAll();
		}
	}

	/** Number of entries in the local tier (approximate). */
	public long localSize() {
		return (this.local != null) ? this.local.estimatedSize() : 0;
	}

	private CompletableFuture<@Nullable Object> uncached(CacheLoad load, boolean async) {
		long started = this.store.nanoTime();
		return invoke(load, async).handle((result, ex) -> {
			this.observer.load(this.store.nanoTime() - started, ex == null);
			if (ex != null) {
				throw new CompletionException(unwrap(ex));
			}
			return result;
		});
	}

	@SuppressWarnings("unchecked")
	private static CompletableFuture<@Nullable Object> invoke(CacheLoad load, boolean async) {
		try {
			Object result = load.load();
			if (!async) {
				return CompletableFuture.completedFuture(result);
			}
			return (result != null) ? ((CompletableFuture<@Nullable Object>) result)
					: CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static @Nullable Object await(CompletableFuture<@Nullable Object> future) throws Throwable {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			throw unwrap(ex);
		}
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable current = ex;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private static @Nullable TagState find(TagState[] states, String tag) {
		for (TagState state : states) {
			if (state.name().equals(tag)) {
				return state;
			}
		}
		return null;
	}

	private static List<String> union(List<String> first, Collection<String> second) {
		if (second.isEmpty()) {
			return first;
		}
		LinkedHashSet<String> all = new LinkedHashSet<>(first);
		all.addAll(second);
		return new ArrayList<>(all);
	}

	@Override
	public String toString() {
		return "TieredCache[" + this.settings + "]";
	}

	/** A load in progress in this process, which concurrent misses of the same key may share. */
	private static final class Flight {

		final long version;

		final CompletableFuture<@Nullable Object> future = new CompletableFuture<>();

		Flight(long version) {
			this.version = version;
		}

	}

	/** What one load needs to know, captured before its first round trip. */
	private final class Call {

		final Object key;

		final byte[] entryKey;

		final byte[] leaseKey;

		final CacheLoad load;

		final List<String> argumentTags;

		// Held strongly for the whole load: see "Local insertion" above.
		final TagState[] argumentStates;

		final long version;

		final long generation;

		// Only needs to differ from other loads' tokens: no SecureRandom on every read.
		final String token = Long.toHexString(ThreadLocalRandom.current().nextLong())
				+ Long.toHexString(ThreadLocalRandom.current().nextLong());

		final boolean async;

		Call(Object key, byte[] entryKey, byte[] leaseKey, CacheLoad load, long version, boolean async) {
			this.async = async;
			InvalidationView view = TieredCache.this.store.view();
			this.key = key;
			this.entryKey = entryKey;
			this.leaseKey = leaseKey;
			this.load = load;
			this.version = version;
			this.generation = view.generation();
			this.argumentTags = TieredStore.distinct(load.argumentTags());
			this.argumentStates = (TieredCache.this.local != null) ? view.tags(this.argumentTags) : NO_TAGS;
		}

	}

}
