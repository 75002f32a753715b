package io.tiercache.interceptor;

import java.time.Duration;
import java.util.function.UnaryOperator;

import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;

import org.springframework.util.Assert;

/**
 * Settings that apply to every {@link io.tiercache.annotation.Cached @Cached} method that
 * does not set them itself, and the hook through which per-cache configuration overrides
 * the annotation attributes. They are not checked here: the settings of each method,
 * whatever they came from, are checked by {@link CacheSettings#validate(Duration)}.
 *
 * @param defaultTtl time to live of a method whose annotation sets none
 * @param defaultJitter jitter of a method whose annotation sets none
 * @param maxTtl largest time to live, or time to live of an absent value, that a cache
 * may use
 * @param overrides applied to the settings parsed from each annotation, before they are
 * validated; the auto-configuration fills it from {@code tiercache.caches.<name>.*} and
 * the customizers
 * @since 0.1.0
 */
public record TierCacheDefaults(Duration defaultTtl, Jitter defaultJitter, Duration maxTtl,
		UnaryOperator<CacheSettings> overrides) {

	public TierCacheDefaults {
		Assert.notNull(defaultTtl, "'defaultTtl' must not be null");
		Assert.notNull(defaultJitter, "'defaultJitter' must not be null");
		Assert.notNull(maxTtl, "'maxTtl' must not be null");
		Assert.notNull(overrides, "'overrides' must not be null");
	}

	/**
	 * Create defaults without per-cache overrides.
	 * @param defaultTtl time to live of a method whose annotation sets none
	 * @param defaultJitter jitter of a method whose annotation sets none
	 * @param maxTtl largest time to live that a cache may use
	 */
	public TierCacheDefaults(Duration defaultTtl, Jitter defaultJitter, Duration maxTtl) {
		this(defaultTtl, defaultJitter, maxTtl, UnaryOperator.identity());
	}

}
