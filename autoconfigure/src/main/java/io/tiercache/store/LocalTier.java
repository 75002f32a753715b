package io.tiercache.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.jspecify.annotations.Nullable;

/**
 * The local tier of one cache: entries held in Caffeine, served only while
 * {@link LocalEntry#isServable} holds ([I5] in {@code docs/correctness.md}). A cache
 * declared {@code local = false} gets {@link #disabled()}, which holds nothing.
 */
abstract class LocalTier {

	/** Returned by {@link #get} when the local tier has no servable entry. */
	static final Object MISS = new Object();

	/** A local tier that holds nothing, for caches that keep no local entries. */
	static LocalTier disabled() {
		return Disabled.INSTANCE;
	}

	/**
	 * A local tier on Caffeine.
	 * @param options the store's options: size, longest local lifetime, ticker
	 * @param trust this process's local trust state
	 * @param observer the cache's observer
	 * @return the local tier
	 */
	static LocalTier create(StoreOptions options, LocalTrust trust, CacheObserver observer) {
		return new Caffeinated(options, trust, observer);
	}

	/**
	 * Allocation-free lookup.
	 * @param key the key
	 * @return the value (possibly {@code null} for a cached absent value), or
	 * {@link #MISS}
	 */
	abstract @Nullable Object get(Object key);

	/** Whether entries are kept: loads resolve their argument tags' states only if so. */
	abstract boolean enabled();

	/**
	 * Keep a value stored in Redis, unless something may have been missed since its load
	 * began.
	 * @param key the key
	 * @param value the value
	 * @param loadSeqs per tag, the sequence of its slot group the value was loaded at
	 * @param tags all its tags
	 * @param argumentStates states of the argument tags, resolved before the load's round
	 * trip
	 * @param version the local trust's version when the load began
	 * @param generation the local trust's generation when the load began
	 * @param ttl how long the entry stays here
	 */
	abstract void offer(Object key, @Nullable Object value, long[] loadSeqs, List<String> tags,
			TagState[] argumentStates, long version, long generation, Duration ttl);

	/** Drop every entry. */
	abstract void clear();

	/**
	 * Drop every entry.
	 * @return whether any of them could still have been served
	 */
	abstract boolean drop();

	/** Number of entries (approximate). */
	abstract long size();

	private static final class Caffeinated extends LocalTier {

		// How stale Caffeine's clock may get while hits keep coming
		private static final long CAFFEINE_CLOCK_STEP_NANOS = 1_000_000;

		private final Cache<Object, LocalEntry> entries;

		private final Ticker ticker;

		private final long maxTtlNanos;

		// Caffeine's clock: the store's ticker as last read here (by a write, or by a hit
		// when it had moved on by a step), so that a hit reads the real clock once, for
		// the trust and the entry's deadline. Caffeine then expires entries up to the
		// step late (or until the next read, in a cache nobody reads), which is only
		// memory: no entry is served past its own deadline.
		private volatile long caffeineNow;

		private final LocalTrust trust;

		private final CacheObserver observer;

		Caffeinated(StoreOptions options, LocalTrust trust, CacheObserver observer) {
			// One lifetime for the whole cache, the longest: Caffeine's variable expiry
			// (a lifetime per entry) costs a hit more than the rest of it together. Each
			// entry's own deadline is checked on the clock read the trust check makes.
			this.ticker = options.ticker();
			this.caffeineNow = this.ticker.read();
			this.entries = Caffeine.newBuilder()
				.maximumSize(options.localMaximumSize())
				.ticker(() -> this.caffeineNow)
				.expireAfterWrite(options.localMaxTtl())
				.evictionListener((key, entry, cause) -> observer.localEviction())
				.build();
			this.maxTtlNanos = options.localMaxTtl().toNanos();
			this.trust = trust;
			this.observer = observer;
		}

		@Override
		@Nullable Object get(Object key) {
			LocalEntry entry = this.entries.getIfPresent(key);
			if (entry == null) {
				this.observer.localMiss();
				return MISS;
			}
			long now = this.ticker.read();
			if (now - this.caffeineNow >= CAFFEINE_CLOCK_STEP_NANOS) {
				this.caffeineNow = now;
			}
			if (!entry.isLive(now)) {
				// Its own lifetime is over, before the cache's
				this.entries.asMap().remove(key, entry);
				this.observer.localEviction();
				this.observer.localMiss();
				return MISS;
			}
			if (!this.trust.trustedAt(now)) {
				// Distrusted, or not confirmed lately ([I10]): kept, since once a check
				// confirms again it is served if it is still current then.
				this.observer.localInvalid();
				return MISS;
			}
			// [I5]: trust was read first, so the tag states include every invalidation
			// applied before the confirmation it relies on.
			if (!entry.isCurrent(this.trust)) {
				this.entries.asMap().remove(key, entry);
				this.observer.localInvalid();
				return MISS;
			}
			this.observer.localHit();
			return entry.value;
		}

		@Override
		boolean enabled() {
			return true;
		}

		@Override
		void offer(Object key, @Nullable Object value, long[] loadSeqs, List<String> tags, TagState[] argumentStates,
				long version, long generation, Duration ttl) {
			if (!this.trust.trusted() || ttl.isZero() || ttl.isNegative()) {
				return;
			}
			TagState[] states = new TagState[tags.size()];
			boolean resolvedLate = false;
			for (int i = 0; i < states.length; i++) {
				String tag = tags.get(i);
				TagState state = find(argumentStates, tag);
				if (state == null) {
					state = this.trust.tags().state(tag);
					resolvedLate = true;
				}
				states[i] = state;
			}
			// [I7]: a tag resolved only now had no state to record an invalidation
			// applied during the load, which only the version shows. [I9]: a clear since
			// the load began means something may have been missed. Either way, skip the
			// local tier this once.
			if ((resolvedLate && this.trust.version() != version) || this.trust.generation() != generation) {
				return;
			}
			long now = this.ticker.read();
			// Caffeine times the write on its clock: set it right first
			this.caffeineNow = now;
			long expiresAt = now + Math.min(ttl.toNanos(), this.maxTtlNanos);
			this.entries.put(key, new LocalEntry(value, loadSeqs, states, generation, expiresAt));
		}

		@Override
		void clear() {
			this.entries.invalidateAll();
		}

		@Override
		boolean drop() {
			// Entries that an invalidation already made unservable stay until read or
			// evicted: they count for size(), not here.
			boolean servable = false;
			long now = this.ticker.read();
			Map<Object, LocalEntry> map = this.entries.asMap();
			for (Map.Entry<Object, LocalEntry> entry : map.entrySet()) {
				if (map.remove(entry.getKey(), entry.getValue()) && entry.getValue().isLive(now)
						&& entry.getValue().isServable(this.trust)) {
					servable = true;
				}
			}
			return servable;
		}

		@Override
		long size() {
			return this.entries.estimatedSize();
		}

		private static @Nullable TagState find(TagState[] states, String tag) {
			for (TagState state : states) {
				if (state.name().equals(tag)) {
					return state;
				}
			}
			return null;
		}

	}

	private static final class Disabled extends LocalTier {

		static final Disabled INSTANCE = new Disabled();

		@Override
		@Nullable Object get(Object key) {
			return MISS;
		}

		@Override
		boolean enabled() {
			return false;
		}

		@Override
		void offer(Object key, @Nullable Object value, long[] loadSeqs, List<String> tags, TagState[] argumentStates,
				long version, long generation, Duration ttl) {
		}

		@Override
		void clear() {
		}

		@Override
		boolean drop() {
			return false;
		}

		@Override
		long size() {
			return 0;
		}

	}

}
