package io.tiercache.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Effective settings of one cache, after annotation attributes and
 * {@code tiercache.caches.<name>.*} properties have been merged.
 *
 * @param name the cache name
 * @param ttl hard time to live of an entry, before jitter
 * @param jitter random amount taken off each entry's time to live
 * @param nullTtl time to live of an absent value ({@code null} or empty
 * {@code Optional}), or {@code null} not to cache absent values
 * @param local whether entries are also kept in this process's Caffeine tier
 * @param enabled whether the cache is used at all; when not, calls go straight to the
 * method
 * @param staleWhileRevalidate how long after its time to live an entry may still be
 * served while one background refresh runs, or {@link Duration#ZERO} for never
 * @since 0.1.0
 */
public record CacheSettings(String name, Duration ttl, Jitter jitter, @Nullable Duration nullTtl, boolean local,
		boolean enabled, Duration staleWhileRevalidate) {

	public CacheSettings(String name, Duration ttl, Jitter jitter, @Nullable Duration nullTtl, boolean local,
			boolean enabled) {
		this(name, ttl, jitter, nullTtl, local, enabled, Duration.ZERO);
	}

	public CacheSettings withTtl(Duration ttl) {
		return new CacheSettings(this.name, ttl, this.jitter, this.nullTtl, this.local, this.enabled,
				this.staleWhileRevalidate);
	}

	public CacheSettings withJitter(Jitter jitter) {
		return new CacheSettings(this.name, this.ttl, jitter, this.nullTtl, this.local, this.enabled,
				this.staleWhileRevalidate);
	}

	public CacheSettings withNullTtl(@Nullable Duration nullTtl) {
		return new CacheSettings(this.name, this.ttl, this.jitter, nullTtl, this.local, this.enabled,
				this.staleWhileRevalidate);
	}

	public CacheSettings withLocal(boolean local) {
		return new CacheSettings(this.name, this.ttl, this.jitter, this.nullTtl, local, this.enabled,
				this.staleWhileRevalidate);
	}

	public CacheSettings withStaleWhileRevalidate(Duration staleWhileRevalidate) {
		return new CacheSettings(this.name, this.ttl, this.jitter, this.nullTtl, this.local, this.enabled,
				staleWhileRevalidate);
	}

	public CacheSettings withEnabled(boolean enabled) {
		return new CacheSettings(this.name, this.ttl, this.jitter, this.nullTtl, this.local, enabled,
				this.staleWhileRevalidate);
	}

	/**
	 * Check that a cache can use these settings. Every way of declaring a cache
	 * (annotations, {@code tiercache.caches.<name>.*}, the programmatic API and the
	 * Spring Cache bridge) calls this once its overrides and customizers have applied,
	 * and adds in front of the message which cache or property it was checking.
	 * @param maxTtl the longest time an entry may live, {@code tiercache.max-ttl}
	 * @throws IllegalArgumentException naming the setting and the limit it breaks, such
	 * as
	 * {@code "ttl PT2H plus staleWhileRevalidate PT30M exceeds tiercache.max-ttl PT2H"}
	 */
	public void validate(Duration maxTtl) {
		if (this.ttl.isZero() || this.ttl.isNegative()) {
			throw new IllegalArgumentException("ttl " + this.ttl + " must be greater than zero");
		}
		if (this.ttl.compareTo(maxTtl) > 0) {
			throw new IllegalArgumentException("ttl " + this.ttl + " exceeds tiercache.max-ttl " + maxTtl);
		}
		if (this.staleWhileRevalidate.isNegative()) {
			throw new IllegalArgumentException(
					"staleWhileRevalidate " + this.staleWhileRevalidate + " must not be negative");
		}
		// An entry may be served until then, and invalidated tags are remembered for
		// maxTtl only
		if (this.ttl.plus(this.staleWhileRevalidate).compareTo(maxTtl) > 0) {
			throw new IllegalArgumentException("ttl " + this.ttl + " plus staleWhileRevalidate "
					+ this.staleWhileRevalidate + " exceeds tiercache.max-ttl " + maxTtl);
		}
		Duration nullTtl = this.nullTtl;
		if (nullTtl != null && nullTtl.isNegative()) {
			throw new IllegalArgumentException("nullTtl " + nullTtl + " must not be negative");
		}
		if (nullTtl != null && nullTtl.compareTo(maxTtl) > 0) {
			throw new IllegalArgumentException("nullTtl " + nullTtl + " exceeds tiercache.max-ttl " + maxTtl);
		}
		if (this.jitter.exceeds(this.ttl)) {
			throw new IllegalArgumentException("jitter " + this.jitter + " exceeds its ttl " + this.ttl);
		}
	}

}
