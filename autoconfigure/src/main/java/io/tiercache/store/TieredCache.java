package io.tiercache.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

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
 * load (reads the epoch and sequence {@code r}, creates the argument tags' records). The method
 * then runs, and one more round trip stores the entry only if none of its tags was invalidated
 * after {@code r}; a load that lost that race goes to its caller only, never to either tier.
 *
 * <h2>Local insertion</h2>
 * An entry enters the local tier with the generation read before its round trip, and with its
 * tags' states resolved before that round trip (argument tags) or, for tags only known after it
 * (from the result or the envelope), only if no invalidation was applied meanwhile
 * ({@link InvalidationView#version()}). Either way, any invalidation of its tags that this
 * process applies later reaches a state the entry holds.
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

	private final CacheSettings settings;

	private final TieredStore store;

	private final ValueCodec.Bound codec;

	private final @Nullable Cache<Object, LocalEntry> local;

	private final CacheObserver observer;

	private final String entryPrefix;

	TieredCache(CacheSettings settings, TieredStore store, ValueCodec.Bound codec, @Nullable Cache<Object, LocalEntry> local,
			CacheObserver observer) {
		this.settings = settings;
		this.store = store;
		this.codec = codec;
		this.local = local;
		this.observer = observer;
		this.entryPrefix = store.redis().keys().entryPrefix(settings.name());
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
		byte[] entryKey;
		try {
			entryKey = (this.entryPrefix + this.store.keyRenderer().render(key)).getBytes(StandardCharsets.UTF_8);
		}
		catch (RuntimeException ex) {
			this.store.failures().warn("key:" + this.settings.name(),
					"Cannot render the key of cache '" + this.settings.name() + "'; calling the method uncached", ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNSERIALIZABLE);
			return timedLoad(load);
		}
		InvalidationView view = this.store.view();
		long generation = view.generation();
		long version = view.version();
		List<String> argumentTags = distinct(load.argumentTags());
		// Held strongly for the whole round trip: see "Local insertion" above.
		TagState[] argumentStates = (this.local != null) ? view.tags(argumentTags) : NO_TAGS;
		RedisTier.ReadResult read;
		try {
			read = this.store.redis().read(entryKey, argumentTags, this.settings.ttl());
		}
		catch (RedisUnavailableException ex) {
			this.store.redisFailed(ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNAVAILABLE);
			return timedLoad(load);
		}
		view.observeEpoch(read.epoch());
		if (read.hit()) {
			Object value = decode(key, entryKey, read, argumentStates, generation, version);
			if (value != MISS) {
				return value;
			}
		}
		else {
			this.observer.remoteMiss();
		}
		return loadAndStore(key, entryKey, argumentTags, argumentStates, read, generation, version, load);
	}

	private @Nullable Object decode(Object key, byte[] entryKey, RedisTier.ReadResult read, TagState[] argumentStates,
			long generation, long version) {
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
				this.store.redis().unlink(entryKey);
			}
			catch (RedisUnavailableException unlinkFailure) {
				this.store.redisFailed(unlinkFailure);
			}
			return MISS;
		}
		this.observer.remoteHit();
		putLocal(key, value, envelope.loadSeq(), envelope.tags(), argumentStates, generation, version,
				Duration.ofMillis(read.ttlMillis()));
		return value;
	}

	private @Nullable Object loadAndStore(Object key, byte[] entryKey, List<String> argumentTags,
			TagState[] argumentStates, RedisTier.ReadResult read, long generation, long version, CacheLoad load)
			throws Throwable {
		long started = System.nanoTime();
		Object result = timedLoad(load, started);
		long loadMillis = (System.nanoTime() - started) / 1_000_000;
		try {
			store(key, entryKey, argumentTags, argumentStates, read, generation, version, load, result, loadMillis);
		}
		catch (RuntimeException ex) {
			// Our failure, not the method's: the caller still gets its result.
			this.store.failures().warn("store:" + this.settings.name(),
					"Cannot cache a result of cache '" + this.settings.name() + "'", ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNSERIALIZABLE);
		}
		return result;
	}

	private void store(Object key, byte[] entryKey, List<String> argumentTags, TagState[] argumentStates,
			RedisTier.ReadResult read, long generation, long version, CacheLoad load, @Nullable Object result,
			long loadMillis) {
		if (!load.isCacheable(result)) {
			this.observer.notCached(CacheObserver.NotCachedReason.CONDITION);
			return;
		}
		boolean absent = result == null || (result instanceof Optional<?> optional && optional.isEmpty());
		Duration baseTtl = absent ? this.settings.nullTtl() : this.settings.ttl();
		if (baseTtl == null) {
			this.observer.notCached(CacheObserver.NotCachedReason.CONDITION);
			return;
		}
		Duration ttl = this.settings.jitter().apply(baseTtl, ThreadLocalRandom.current().nextDouble());
		List<String> tags = union(argumentTags, load.resultTags(result));
		byte[] payload;
		try {
			payload = this.codec.encode(result);
		}
		catch (RuntimeException ex) {
			this.store.failures().warn("encode:" + this.settings.name(), "Cannot serialize a result of cache '"
					+ this.settings.name() + "'; it is returned but not cached", ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNSERIALIZABLE);
			return;
		}
		long now = this.store.currentTimeMillis();
		long expiry = now + ttl.toMillis();
		Envelope envelope = new Envelope(read.epoch(), read.seq(), now, expiry, loadMillis, absent, tags, payload);
		boolean stored;
		try {
			stored = this.store.redis().write(entryKey, envelope, ttl);
		}
		catch (RedisUnavailableException ex) {
			this.store.redisFailed(ex);
			this.observer.notCached(CacheObserver.NotCachedReason.UNAVAILABLE);
			return;
		}
		if (!stored) {
			this.observer.notCached(CacheObserver.NotCachedReason.STALE);
			return;
		}
		this.observer.put();
		putLocal(key, result, read.seq(), tags, argumentStates, generation, version, ttl);
	}

	private void putLocal(Object key, @Nullable Object value, long loadSeq, List<String> tags, TagState[] argumentStates,
			long generation, long version, Duration ttl) {
		Cache<Object, LocalEntry> local = this.local;
		InvalidationView view = this.store.view();
		if (local == null || !view.trusted()) {
			return;
		}
		TagState[] states = new TagState[tags.size()];
		boolean resolvedLate = false;
		for (int i = 0; i < states.length; i++) {
			String tag = tags.get(i);
			TagState state = find(argumentStates, tag);
			if (state == null) {
				state = view.tag(tag);
				resolvedLate = true;
			}
			states[i] = state;
		}
		if ((resolvedLate && view.version() != version) || view.generation() != generation) {
			// An invalidation was applied while a tag had no state to record it: skip this once.
			return;
		}
		local.put(key, new LocalEntry(value, loadSeq, states, generation, ttl.toNanos()));
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

	private @Nullable Object timedLoad(CacheLoad load) throws Throwable {
		return timedLoad(load, System.nanoTime());
	}

	private @Nullable Object timedLoad(CacheLoad load, long started) throws Throwable {
		try {
			Object result = load.load();
			this.observer.load(System.nanoTime() - started, true);
			return result;
		}
		catch (Throwable ex) {
			this.observer.load(System.nanoTime() - started, false);
			throw ex;
		}
	}

	private static @Nullable TagState find(TagState[] states, String tag) {
		for (TagState state : states) {
			if (state.name().equals(tag)) {
				return state;
			}
		}
		return null;
	}

	private static List<String> distinct(Collection<String> tags) {
		if (tags.isEmpty()) {
			return List.of();
		}
		return List.copyOf(new LinkedHashSet<>(tags));
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
