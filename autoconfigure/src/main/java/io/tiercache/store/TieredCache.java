package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.tiercache.redis.Envelope;
import io.tiercache.redis.RedisKeys;
import io.tiercache.redis.RedisTier;
import io.tiercache.store.StoreErrorHandler.CacheFailure;
import org.jspecify.annotations.Nullable;

/**
 * One cache: a local Caffeine tier in front of the shared Redis tier. This class is the
 * read and write algorithm; the local tier ({@link LocalTier}), sharing loads
 * ({@link SingleFlight}), background refreshes ({@link BackgroundRefresher}) and Redis
 * calls ({@link RedisCalls}) each live in their own class.
 *
 * <h2>Invariants</h2> Numbered as in {@code docs/correctness.md} [3], where each is
 * argued:
 * <ul>
 * <li>[I3] A loaded value is stored in Redis only if no tag it carries was invalidated
 * after the sequence {@code r} read before the load; a load that lost that race goes to
 * its caller only, never to either tier.</li>
 * <li>[I4] A Redis entry is returned only if it is valid now (the read script
 * checks).</li>
 * <li>[I5] A local entry is served only while {@link LocalEntry#isServable} holds, with
 * the tag states and generation captured before the load's first round trip ([I6], [I7],
 * [I9]).</li>
 * <li>[I8] An entry carrying a tag this process invalidated and Redis has not heard of
 * yet is not served from Redis either.</li>
 * <li>[I11] Sharing a load, waiting on another process's lease, or serving a stale entry
 * never returns a value older than an invalidation the caller must see; and only loads
 * alike are shared: a load that is not {@linkplain CacheLoad#shared() shared} (a lookup
 * that may find nothing, a put) neither shares a flight nor takes or waits on a
 * lease.</li>
 * </ul>
 *
 * <h2>Why they hold</h2> On a local miss, {@link #get} makes one Redis round trip that
 * returns a valid entry or prepares a load (reads the epoch and {@code r}, creates the
 * argument tags' records, takes the load lease). The method then runs, and one more round
 * trip stores the entry only if it is still valid. In this process concurrent misses of
 * shared loads share one flight only if no invalidation was applied between the flight's
 * start and theirs. Across processes, a flight that does not get the lease polls the
 * entry with a growing backoff until the lease holder stored it, takes the lease over if
 * the holder released it or let it expire, and loads by itself once the lease's maximum
 * wait has passed; what it reads is validated like any other read.
 *
 * <h2>Freshness</h2> An entry's soft expiry is its time to live; with
 * stale-while-revalidate it stays in Redis that much longer, and a read after the soft
 * expiry returns it at once while one background refresh (one per key across processes:
 * the lease) loads a new value. Before the soft expiry, a read of Redis refreshes early
 * with the probability of XFetch [1]: {@code now - delta * beta * ln(U) >=
 * expiry}, where {@code delta} is the last load's duration. Validity is checked first, so
 * an invalidated entry is never served, stale or not. A local entry leaves the local tier
 * at its soft expiry at the latest (earlier by its own XFetch draw), so staleness and
 * early refresh are decided by Redis reads. The lease follows memcache's leases [2].
 *
 * <h2>Failures</h2> Whatever goes wrong on tiercache's side (Redis down or slow, an
 * undecodable entry, an unserializable value) ends in the method's result being returned
 * uncached, reported to the {@link StoreErrorHandler} and counted. Only the method's own
 * exceptions reach the caller.
 * <p>
 * [1] Vattani, Chierichetti, Lowenstein: Optimal Probabilistic Cache Stampede Prevention,
 * VLDB 2015. [2] Nishtala et al.: Scaling Memcache at Facebook, NSDI 2013. [3]
 * {@code docs/correctness.md} in this repository.
 *
 * @since 0.1.0
 */
public final class TieredCache {

	/**
	 * Returned by {@link #getLocal(Object)} when the local tier has no servable entry.
	 */
	public static final Object MISS = LocalTier.MISS;

	// Polls at 0, 1, 3, 7, 15, 23, ... ms: a waiting process sees the entry within 8 ms
	// of its store, at one cheap read per 8 ms while it waits.
	private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(8);

	private final CacheSettings settings;

	private final StoreContext context;

	private final KeyRenderer keys;

	private final ValueCodec.Bound codec;

	private final LocalTier local;

	private final SingleFlight flights;

	private final CacheObserver observer;

	private final RedisKeys.CacheKeys redisKeys;

	// The keys this thread is loading in this cache: a load that calls its own method
	// with its own key (through the proxy) would otherwise wait for itself, on its
	// flight and then on its own lease, for twice the lease's maximum wait.
	private final ThreadLocal<@Nullable List<Object>> loading = new ThreadLocal<>();

	TieredCache(CacheSettings settings, StoreContext context, KeyRenderer keys, ValueCodec.Bound codec, LocalTier local,
			CacheObserver observer) {
		this.settings = settings;
		this.context = context;
		this.keys = keys;
		this.codec = codec;
		this.local = local;
		this.observer = observer;
		this.flights = new SingleFlight(context.options().leaseMaxWait(), observer);
		this.redisKeys = context.redis().keys().forCache(settings.name());
	}

	public CacheSettings settings() {
		return this.settings;
	}

	/**
	 * Allocation-free lookup in the local tier.
	 * @param key the key
	 * @return the value (possibly {@code null} for a cached absent value), or
	 * {@link #MISS}
	 */
	public @Nullable Object getLocal(Object key) {
		return this.local.get(key);
	}

	/**
	 * The value from Redis, or else loaded through {@code load} and stored if still
	 * valid.
	 * @param key the key
	 * @param load the call that missed
	 * @return the value
	 * @throws Throwable only what the method throws
	 */
	public @Nullable Object get(Object key, CacheLoad load) throws Throwable {
		return Futures.await(fetch(key, load, false));
	}

	/**
	 * The same as {@link #get} for a method returning a {@link CompletableFuture}:
	 * {@code load} returns the method's future, and the value it completes with is cached
	 * (a failed future is not). The Redis round trips, and on a miss the call of
	 * {@code load}, run on the store's threads ({@link AsyncCalls}), and so does the
	 * store after the method's future completes: the caller gets its future at once, and
	 * whatever thread completes the method's future never waits on Redis.
	 * @param key the key
	 * @param load the call that missed; its {@code load()} returns a
	 * {@code CompletableFuture}
	 * @return a future of the value
	 */
	public CompletableFuture<@Nullable Object> getAsync(Object key, CacheLoad load) {
		// Checked here, on the thread the method's own load runs on: the call would
		// otherwise move to another thread and wait for its own flight.
		if (isLoadingOnThisThread(key)) {
			return recursive(key, load, true);
		}
		// The trust's version and the tag marks are taken on the store's thread, later
		// than the call: later marks can only make it see more invalidations, never
		// fewer.
		return this.context.asyncCalls().submit(() -> fetch(key, load, true));
	}

	/** Number of entries in the local tier (approximate). */
	public long localSize() {
		return this.local.size();
	}

	/** Drop every local entry of this cache. */
	void clearLocal() {
		this.local.clear();
	}

	/**
	 * Drop every local entry of this cache, in this process only: Redis and the other
	 * processes keep theirs.
	 * @return whether any of the dropped entries could still have been served
	 */
	public boolean dropLocal() {
		return this.local.drop();
	}

	private CompletableFuture<@Nullable Object> fetch(Object key, CacheLoad load, boolean async) {
		if (isLoadingOnThisThread(key)) {
			return recursive(key, load, async);
		}
		long version = this.context.trust().version();
		if (!load.shared()) {
			// [I11]: a lookup may answer "nothing", no answer for a caller that
			// must load, and a put must store its own value whatever another
			// caller loads: such a load goes alone.
			try {
				return lead(key, load, async, version);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return CompletableFuture.failedFuture(ex);
			}
		}
		return this.flights.fetch(key, version, async, () -> lead(key, load, async, version));
	}

	private CompletableFuture<@Nullable Object> lead(Object key, CacheLoad load, boolean async, long version)
			throws InterruptedException {
		String rendered;
		try {
			rendered = this.keys.render(key);
			String refusal = RedisText.refusal(rendered);
			if (refusal != null) {
				// Written as UTF-8, it would share its entry with another key.
				throw new IllegalArgumentException("The key " + RedisText.excerpt(rendered) + " " + refusal);
			}
		}
		catch (RuntimeException ex) {
			this.context.errorHandler().handleCacheError(this.settings.name(), CacheFailure.KEY, ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNSERIALIZABLE);
			return uncached(key, load, async);
		}
		String tagRefusal = RedisText.firstTagRefusal(load.argumentTags());
		if (tagRefusal != null) {
			// An entry without the tag would outlive the tag's invalidation.
			refuseTag(tagRefusal);
			return uncached(key, load, async);
		}
		Call call = new Call(key, rendered, this.redisKeys.entry(rendered), this.redisKeys.lease(rendered), load,
				version, async, this.context.trust(), this.local.enabled());
		StoreOptions options = this.context.options();
		// A load that is not shared takes no lease: other processes could not use
		// what it loads, and it does not wait for what they load. Its miss always
		// answers "leased".
		boolean shared = load.shared();
		Duration lease = shared ? options.leaseTimeout() : Duration.ZERO;
		long deadline = options.ticker().read() + options.leaseMaxWait().toNanos();
		long backoff = FIRST_BACKOFF_NANOS;
		boolean waited = false;
		while (true) {
			LocalTrust.SequenceMark[] before = marks(call);
			RedisTier.ReadResult read = this.context.redis()
				.read(call.entryKey, call.leaseKey, call.argumentTags, this.settings.ttl(), lease, call.token, false);
			if (read == null) {
				this.observer.notCached(CacheObserver.NotCachedReason.UNAVAILABLE);
				return uncached(key, load, async);
			}
			if (observe(call, before, read)) {
				// [I12]: Redis lost invalidations, so what it holds may be revived: not
				// this time.
				this.observer.notCached(CacheObserver.NotCachedReason.STALE);
				return uncached(key, load, async);
			}
			if (read.hit()) {
				Object value = hit(call, read);
				if (value != MISS) {
					if (waited) {
						this.observer.coalesced(true);
					}
					return CompletableFuture.completedFuture(value);
				}
				// Undecodable and removed, or pending here: load, with no lease (the
				// write creates missing records).
				return loadAndStore(call, read, false, async);
			}
			if (!waited) {
				this.observer.remoteMiss();
			}
			long now = options.ticker().read();
			if (read.leased() || now - deadline >= 0) {
				return loadAndStore(call, read, shared && read.leased(), async);
			}
			// Another process is loading this key: wait for its entry, with a growing
			// backoff.
			waited = true;
			this.observer.leaseWaited();
			long pause = Math.min(backoff, deadline - now);
			if (read.leaseTtlMillis() > 0) {
				pause = Math.min(pause, TimeUnit.MILLISECONDS.toNanos(read.leaseTtlMillis()) + FIRST_BACKOFF_NANOS);
			}
			options.sleeper().sleep(Math.max(pause, 1));
			backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
		}
	}

	/**
	 * Decode a Redis hit, start a refresh if it is stale or wins the early-refresh draw.
	 */
	private @Nullable Object hit(Call call, RedisTier.ReadResult read) {
		Object value;
		Envelope envelope;
		try {
			envelope = (read.decoded() != null) ? read.decoded()
					: Envelope.decode(read.envelope(), this.context.trust().groups());
			value = this.codec.decode(envelope.payload());
		}
		catch (RuntimeException ex) {
			this.context.errorHandler()
				.handleCacheError(this.settings.name(), (ex instanceof ValueCodec.UnreadableTypeException)
						? CacheFailure.UNREADABLE_TYPE : CacheFailure.DECODE, ex);
			this.observer.remoteUndecodable();
			this.context.redis().unlink(call.entryKey);
			return MISS;
		}
		long[] loadSeqs = this.context.trust().tags().loadSequences(envelope.tags(), envelope.loads());
		if (this.context.trust().tags().anyInvalidatedAfter(envelope.tags(), loadSeqs)) {
			// [I12]: this process heard an invalidation that kills the entry, yet Redis
			// returns
			// it: Redis lost that invalidation. Load instead (the write accepts the new
			// value).
			return MISS;
		}
		if (this.context.trust().tags().anyPending(envelope.tags())) {
			// [I8]: this process invalidated one of its tags and Redis has not heard yet,
			// so the entry may predate that write, which this process's callers must see.
			return MISS;
		}
		this.observer.remoteHit();
		StoreOptions options = this.context.options();
		long now = options.wallClock().getAsLong();
		long untilSoftExpiry = envelope.softExpiryMillis() - now;
		if (untilSoftExpiry <= 0) {
			this.observer.staleServed();
			refreshInBackground(call, false);
			return value;
		}
		double beta = options.earlyRefreshBeta();
		if (EarlyRefresh.shouldRefresh(now, envelope.softExpiryMillis(), envelope.loadMillis(), beta,
				options.random())) {
			refreshInBackground(call, true);
		}
		Duration localTtl = Duration.ofMillis(Math.min(read.ttlMillis(),
				EarlyRefresh.localLifetime(untilSoftExpiry, envelope.loadMillis(), beta, options.random())));
		this.local.offer(call.key, value, loadSeqs, envelope.tags(), call.argumentStates, call.version, call.generation,
				localTtl);
		return value;
	}

	private CompletableFuture<@Nullable Object> loadAndStore(Call call, RedisTier.ReadResult read, boolean leased,
			boolean async) {
		long started = this.context.options().ticker().read();
		CompletableFuture<@Nullable Object> invoked = invoke(call.key, call.load, async);
		BiFunction<@Nullable Object, @Nullable Throwable, @Nullable Object> finish = (result, ex) -> {
			long nanos = this.context.options().ticker().read() - started;
			this.observer.load(nanos, ex == null);
			if (ex != null) {
				if (leased) {
					releaseLease(call);
				}
				throw new CompletionException(Futures.unwrap(ex));
			}
			boolean stored = storeSafely(call, read, result, nanos / 1_000_000);
			if (leased && !stored) {
				// Nothing for the waiting processes to find: let them load at once.
				releaseLease(call);
			}
			return result;
		};
		// The store's round trip must not run on whatever thread completes the method's
		// future (an event loop, the method's own executor): the store's threads do it.
		return (async && !invoked.isDone()) ? invoked.handleAsync(finish, this.context.asyncCalls())
				: invoked.handle(finish);
	}

	/**
	 * {@link #store}, with any failure of ours reported instead of reaching the caller.
	 */
	private boolean storeSafely(Call call, RedisTier.ReadResult read, @Nullable Object result, long loadMillis) {
		try {
			return store(call, read, result, loadMillis);
		}
		catch (RuntimeException ex) {
			this.context.errorHandler().handleCacheError(this.settings.name(), CacheFailure.STORE, ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNSERIALIZABLE);
			return false;
		}
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
		StoreOptions options = this.context.options();
		Duration softTtl = this.settings.jitter().apply(baseTtl, options.random().getAsDouble());
		Duration hardTtl = absent ? softTtl : softTtl.plus(this.settings.staleWhileRevalidate());
		List<String> resultTags = TagInvalidations.distinct(load.resultTags(result));
		String tagRefusal = RedisText.firstTagRefusal(resultTags);
		if (tagRefusal != null) {
			refuseTag(tagRefusal);
			return false;
		}
		List<String> tags = union(call.argumentTags, resultTags);
		byte[] payload;
		try {
			payload = this.codec.encode(result);
		}
		catch (RuntimeException ex) {
			this.context.errorHandler().handleCacheError(this.settings.name(), CacheFailure.ENCODE, ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNSERIALIZABLE);
			return false;
		}
		if (payload.length > options.maxValueBytes()) {
			this.observer.notCached(CacheObserver.NotCachedReason.TOO_LARGE);
			return false;
		}
		long now = options.wallClock().getAsLong();
		List<Envelope.GroupLoad> loads = loads(read, tags);
		Envelope envelope = new Envelope(loads, now, now + softTtl.toMillis(), loadMillis, absent, tags, payload);
		if (envelope.encodedLength(this.context.trust().groups()) > options.maxValueBytes()
				+ TieredStore.ENVELOPE_ALLOWANCE) {
			// Its tags take it past what a read returns: it would be removed unread.
			this.observer.notCached(CacheObserver.NotCachedReason.TOO_LARGE);
			return false;
		}
		Boolean stored = this.context.redis().write(call.entryKey, call.leaseKey, call.token, envelope, hardTtl);
		if (stored == null) {
			this.observer.notCached(CacheObserver.NotCachedReason.UNAVAILABLE);
			return false;
		}
		if (!stored) {
			// [I3]: an invalidation came after the load began.
			this.observer.notCached(CacheObserver.NotCachedReason.STALE);
			return false;
		}
		this.observer.put();
		this.local.offer(call.key, result, this.context.trust().tags().loadSequences(tags, loads), tags,
				call.argumentStates, call.version, call.generation, Duration.ofMillis(EarlyRefresh
					.localLifetime(softTtl.toMillis(), loadMillis, options.earlyRefreshBeta(), options.random())));
		return true;
	}

	/**
	 * Refresh an entry in the background: one refresh per key in this process, and one
	 * across processes (the lease). A failed refresh leaves the old entry until its hard
	 * expiry.
	 */
	private void refreshInBackground(Call call, boolean early) {
		CacheLoad refreshLoad = call.load.forRefresh();
		if (refreshLoad == null) {
			return;
		}
		Call refresh = new Call(call.key, call.renderedKey, call.entryKey, call.leaseKey, refreshLoad,
				this.context.trust().version(), call.async, this.context.trust(), this.local.enabled());
		this.context.refresher()
			.submit(this.settings.name(), call.key, () -> refresh(refresh),
					(stored) -> this.observer.refreshed(early, stored));
	}

	private boolean refresh(Call call) {
		StoreOptions options = this.context.options();
		LocalTrust.SequenceMark[] before = marks(call);
		RedisTier.ReadResult read = this.context.redis()
			.read(call.entryKey, call.leaseKey, call.argumentTags, this.settings.ttl(), options.leaseTimeout(),
					call.token, true);
		if (read == null || observe(call, before, read) || !read.leased()) {
			// Redis is unavailable or lost invalidations, or another process is
			// refreshing or
			// loading it.
			return false;
		}
		long started = options.ticker().read();
		Object result;
		try {
			result = Futures.await(invoke(call.key, call.load, call.async));
		}
		catch (Throwable ex) {
			this.observer.load(options.ticker().read() - started, false);
			releaseLease(call);
			this.context.errorHandler().handleCacheError(this.settings.name(), CacheFailure.REFRESH, ex);
			return false;
		}
		long nanos = options.ticker().read() - started;
		this.observer.load(nanos, true);
		boolean stored = storeSafely(call, read, result, nanos / 1_000_000);
		if (!stored) {
			releaseLease(call);
		}
		return stored;
	}

	/**
	 * A call made by the load of the same key on the same thread: it runs the method at
	 * once, uncached, since the outer load stores the key's value; waiting would wait for
	 * itself.
	 */
	private CompletableFuture<@Nullable Object> recursive(Object key, CacheLoad load, boolean async) {
		this.context.errorHandler()
			.handleCacheError(this.settings.name(), CacheFailure.RECURSIVE_LOAD, new IllegalStateException(
					"The method of cache '" + this.settings.name() + "' called itself with the key it was loading"));
		this.observer.notCached(CacheObserver.NotCachedReason.RECURSIVE);
		return uncached(key, load, async);
	}

	private boolean isLoadingOnThisThread(Object key) {
		List<Object> keys = this.loading.get();
		return keys != null && keys.contains(key);
	}

	/** Run the method, marking its key as loading on this thread while it runs. */
	private CompletableFuture<@Nullable Object> invoke(Object key, CacheLoad load, boolean async) {
		List<Object> keys = this.loading.get();
		if (keys == null) {
			keys = new ArrayList<>(2);
			this.loading.set(keys);
		}
		keys.add(key);
		try {
			return Futures.invoke(load, async);
		}
		finally {
			keys.remove(keys.size() - 1);
			if (keys.isEmpty()) {
				this.loading.remove();
			}
		}
	}

	private void releaseLease(Call call) {
		this.context.redis().release(call.leaseKey, call.token);
	}

	private CompletableFuture<@Nullable Object> uncached(Object key, CacheLoad load, boolean async) {
		long started = this.context.options().ticker().read();
		return invoke(key, load, async).handle((result, ex) -> {
			this.observer.load(this.context.options().ticker().read() - started, ex == null);
			if (ex != null) {
				throw new CompletionException(Futures.unwrap(ex));
			}
			return result;
		});
	}

	private void refuseTag(String refusal) {
		this.context.errorHandler()
			.handleCacheError(this.settings.name(), CacheFailure.TAG, new IllegalArgumentException(refusal));
		this.observer.notCached(CacheObserver.NotCachedReason.UNSTORABLE_TAG);
	}

	/** The marks of the groups a read returns, taken before it is sent ([I12]). */
	private LocalTrust.SequenceMark[] marks(Call call) {
		LocalTrust.SequenceMark[] marks = new LocalTrust.SequenceMark[call.argumentGroups.length];
		for (int i = 0; i < marks.length; i++) {
			marks[i] = this.context.trust().mark(call.argumentGroups[i]);
		}
		return marks;
	}

	/**
	 * Record the group states of a read; the groups of tags found only in the entry had
	 * no mark taken before, so they advance marks but cannot show a rollback.
	 * @return whether a group's sequence went backwards
	 */
	private boolean observe(Call call, LocalTrust.SequenceMark[] before, RedisTier.ReadResult read) {
		boolean rolledBack = false;
		for (RedisTier.GroupState state : read.states()) {
			LocalTrust.SequenceMark mark = LocalTrust.SequenceMark.NONE;
			for (int i = 0; i < call.argumentGroups.length; i++) {
				if (call.argumentGroups[i] == state.group()) {
					mark = before[i];
				}
			}
			rolledBack |= this.context.trust().observe(state.group(), mark, state.epoch(), state.seq());
		}
		return rolledBack;
	}

	/**
	 * What the entry records of each slot group of its tags: the group's state as the
	 * read before the load found it, or, for a group it did not read (tags known only
	 * from the result), the highest sequence this process knew the group had reached,
	 * which is no higher than the group's sequence when the load began ([I3]).
	 */
	private List<Envelope.GroupLoad> loads(RedisTier.ReadResult read, List<String> tags) {
		if (this.context.trust().groups() == 1) {
			RedisTier.GroupState state = read.states().get(0);
			return List.of(new Envelope.GroupLoad(0, state.epoch(), state.seq()));
		}
		TreeSet<Integer> groups = new TreeSet<>();
		for (String tag : tags) {
			groups.add(this.context.trust().tags().group(tag));
		}
		List<Envelope.GroupLoad> loads = new ArrayList<>(groups.size());
		for (int group : groups) {
			RedisTier.GroupState state = read.state(group);
			if (state != null) {
				loads.add(new Envelope.GroupLoad(group, state.epoch(), state.seq()));
			}
			else {
				LocalTrust.SequenceMark mark = this.context.trust().mark(group);
				// No epoch known: the write's check refuses it, and tells this process.
				loads.add(new Envelope.GroupLoad(group, (mark.epoch() != null) ? mark.epoch() : "", mark.seq()));
			}
		}
		return loads;
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

}
