package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.function.UnaryOperator;

import io.tiercache.store.CacheSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

/**
 * How the settings of a cache are resolved, in order: the annotation's attributes (or the
 * defaults for a cache named only in code), then {@code tiercache.caches.<name>.*}, then every
 * {@link TierCacheCustomizer} in order.
 */
final class CacheSettingsPolicy implements UnaryOperator<CacheSettings> {

	private final TierCacheProperties properties;

	private final CacheSpecOverrides overrides;

	private final ObjectProvider<TierCacheCustomizer> customizers;

	CacheSettingsPolicy(TierCacheProperties properties, ObjectProvider<TierCacheCustomizer> customizers) {
		this.properties = properties;
		this.overrides = new CacheSpecOverrides(properties.getCaches());
		this.customizers = customizers;
	}

	@Override
	public CacheSettings apply(CacheSettings settings) {
		CacheSettings result = this.overrides.apply(settings);
		for (TierCacheCustomizer customizer : this.customizers.orderedStream().toList()) {
			CacheSettings customized = customizer.customize(result);
			if (customized == null) {
				throw new IllegalStateException(
						"TierCacheCustomizer " + customizer + " returned null for cache '" + result.name() + "'");
			}
			if (!customized.name().equals(result.name())) {
				throw new IllegalStateException("TierCacheCustomizer " + customizer + " renamed cache '"
						+ result.name() + "' to '" + customized.name() + "'; a customizer cannot rename a cache");
			}
			result = customized;
		}
		return result;
	}

	/**
	 * Settings of a cache that no annotation declares (the programmatic API and the Spring
	 * Cache bridge): the defaults, then the overrides and customizers, validated.
	 * @param name the cache name
	 * @param nullTtl time to live of absent values, {@code null} not to cache them
	 * @return the settings
	 * @throws IllegalStateException if they are invalid
	 */
	CacheSettings forProgrammaticCache(String name, @Nullable Duration nullTtl) {
		CacheSettings settings = new CacheSettings(name, this.properties.getDefaultTtl(),
				TierCacheAutoConfiguration.parseJitter("tiercache.default-jitter", this.properties.getDefaultJitter()),
				nullTtl, true, true);
		try {
			settings = apply(settings);
			settings.validate(this.properties.getMaxTtl());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid settings of cache '" + name + "': " + ex.getMessage());
		}
		return settings;
	}

}
