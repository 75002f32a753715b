package io.tiercache.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.tiercache.autoconfigure.TierCacheProperties.CacheSpec;
import io.tiercache.interceptor.Durations;
import io.tiercache.interceptor.SettingOrigins;
import io.tiercache.interceptor.TierCacheDefaults;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * How the settings of a cache are resolved, in order: the annotation's attributes (or the
 * defaults for a cache named only in code), then {@code tiercache.caches.<name>.*}, then
 * every {@link TierCacheCustomizer} in order. The result is checked by
 * {@link CacheSettings#validate}: for an annotated method by the operation source,
 * otherwise by {@link #forProgrammaticCache}.
 */
final class CacheSettingsPolicy implements UnaryOperator<CacheSettings>, SettingOrigins {

	private final Duration defaultTtl;

	private final Jitter defaultJitter;

	private final Duration maxTtl;

	private final CacheSpecs specs;

	private final ObjectProvider<TierCacheCustomizer> customizers;

	/**
	 * Create a policy over the bound {@code tiercache.caches} only.
	 * @param properties the properties
	 * @param customizers the customizers, asked for each time a cache is resolved
	 * @throws TierCacheConfigurationException naming {@code tiercache.default-jitter} if
	 * it is not a jitter
	 */
	CacheSettingsPolicy(TierCacheProperties properties, ObjectProvider<TierCacheCustomizer> customizers) {
		this(properties, null, customizers);
	}

	/**
	 * Create a policy.
	 * @param properties the properties
	 * @param environment the environment they were bound from, where the entries of cache
	 * names with dots, such as {@code tiercache.caches.PriceService.quote.ttl}, are
	 * looked up; {@code null} for the bound {@code tiercache.caches} only
	 * @param customizers the customizers, asked for each time a cache is resolved
	 * @throws TierCacheConfigurationException naming {@code tiercache.default-jitter} if
	 * it is not a jitter
	 */
	CacheSettingsPolicy(TierCacheProperties properties, @Nullable Environment environment,
			ObjectProvider<TierCacheCustomizer> customizers) {
		this.defaultTtl = properties.getDefaultTtl();
		this.defaultJitter = parseJitter("tiercache.default-jitter", properties.getDefaultJitter());
		this.maxTtl = properties.getMaxTtl();
		this.specs = new CacheSpecs(properties.getCaches(), environment);
		this.customizers = customizers;
	}

	/**
	 * The {@code tiercache.caches.<name>} entries this policy applies.
	 * @return the entries
	 */
	CacheSpecs specs() {
		return this.specs;
	}

	/**
	 * The defaults of annotated methods, with this policy as their overrides.
	 * @return the defaults
	 */
	TierCacheDefaults defaults() {
		return new TierCacheDefaults(this.defaultTtl, this.defaultJitter, this.maxTtl, this);
	}

	/**
	 * The settings of a cache that sets nothing itself.
	 * @param name the cache name
	 * @return the settings, not validated
	 */
	CacheSettings defaultSettings(String name) {
		return new CacheSettings(name, this.defaultTtl, this.defaultJitter, null, true, true);
	}

	@Override
	public CacheSettings apply(CacheSettings settings) {
		CacheSettings result = applySpec(settings);
		for (TierCacheCustomizer customizer : this.customizers.orderedStream().toList()) {
			CacheSettings customized = customizer.customize(result);
			if (customized == null) {
				throw new IllegalArgumentException(
						"TierCacheCustomizer " + customizer + " returned null; return the settings to use");
			}
			if (!customized.name().equals(result.name())) {
				throw new IllegalArgumentException("TierCacheCustomizer " + customizer + " renamed the cache to '"
						+ customized.name() + "'; a customizer cannot rename a cache");
			}
			result = customized;
		}
		return result;
	}

	/**
	 * Apply {@code tiercache.caches.<name>.*}: each property that is set wins over the
	 * settings so far.
	 * @param settings the settings of the annotation, or the defaults
	 * @return the settings with the properties of that cache applied
	 * @throws TierCacheConfigurationException naming the property if its jitter is not a
	 * jitter
	 */
	CacheSettings applySpec(CacheSettings settings) {
		CacheSpec spec = this.specs.get(settings.name());
		if (spec == null) {
			return settings;
		}
		CacheSettings result = settings;
		if (spec.getTtl() != null) {
			result = result.withTtl(spec.getTtl());
		}
		if (spec.getJitter() != null) {
			result = result.withJitter(parseJitter(this.specs.prefix(settings.name()) + ".jitter", spec.getJitter()));
		}
		if (spec.getNullTtl() != null) {
			Duration nullTtl = spec.getNullTtl();
			result = result.withNullTtl(nullTtl.isZero() ? null : nullTtl);
		}
		if (spec.getStaleWhileRevalidate() != null) {
			result = result.withStaleWhileRevalidate(spec.getStaleWhileRevalidate());
		}
		if (spec.getLocal() != null) {
			result = result.withLocal(spec.getLocal());
		}
		if (spec.getEnabled() != null) {
			result = result.withEnabled(spec.getEnabled());
		}
		return result;
	}

	/**
	 * Settings of a cache that no annotation declares (the programmatic API and the
	 * Spring Cache bridge): the defaults, then the overrides and customizers, validated.
	 * @param name the cache name
	 * @return the settings
	 * @throws TierCacheConfigurationException naming the cache if they are invalid
	 */
	CacheSettings forProgrammaticCache(String name) {
		CacheSettings settings = resolveUndeclared(name);
		try {
			settings.validate(this.maxTtl);
			return settings;
		}
		catch (CacheSettings.InvalidSettingsException ex) {
			throw new TierCacheConfigurationException("Invalid settings of cache '" + name + "': " + ex.getMessage(),
					ex.action(originsOfDefaults(name, ex.settings(), true)));
		}
	}

	// The defaults, then the cache's properties and the customizers
	private CacheSettings resolveUndeclared(String name) {
		try {
			return apply(defaultSettings(name));
		}
		catch (IllegalArgumentException ex) {
			throw new TierCacheConfigurationException("Invalid settings of cache '" + name + "': " + ex.getMessage(),
					"Change the TierCacheCustomizer so that it returns settings of cache '" + name + "', never null.");
		}
	}

	/**
	 * Whether some declaration of a cache could make its {@code tiercache.caches.<name>}
	 * entry valid: the entry applied over the most lenient one (the shortest ttl the
	 * entry's jitter allows, no stale window, absent values not cached). An entry that
	 * fails even so is wrong whatever declares the cache; one that fails over the
	 * defaults only may suit the annotation of the method declaring the cache, such as a
	 * jitter of 90m with {@code @Cached(ttl = "2h")} under a default ttl of 1h.
	 * @param name the cache name
	 * @return whether such a declaration exists
	 * @throws TierCacheConfigurationException naming the property if its jitter is not a
	 * jitter
	 */
	boolean suitsSomeDeclaration(String name) {
		CacheSpec spec = this.specs.get(name);
		Jitter jitter = (spec != null) ? parseJitter(this.specs.prefix(name) + ".jitter", spec.getJitter())
				: Jitter.NONE;
		CacheSettings lenient = applySpec(
				new CacheSettings(name, shortestTtlFor(jitter), Jitter.NONE, null, true, true, Duration.ZERO));
		try {
			lenient.validate(this.maxTtl);
			return true;
		}
		catch (CacheSettings.InvalidSettingsException ex) {
			return false;
		}
	}

	// A fixed jitter needs a ttl at least as long; any positive ttl suits a percentage
	private static Duration shortestTtlFor(Jitter jitter) {
		Duration shortest = Duration.ofNanos(1);
		return jitter.exceeds(shortest) ? jitter.maxReduction(ChronoUnit.FOREVER.getDuration()) : shortest;
	}

	/**
	 * Check the settings of a cache that no annotated method declares, as the
	 * programmatic API and the Spring Cache bridge would resolve them: the defaults, then
	 * {@code tiercache.caches.<name>.*}, then the customizers.
	 * @param name the cache name
	 * @throws TierCacheConfigurationException naming the cache and where each setting at
	 * fault came from if they are invalid
	 */
	void validateUndeclared(String name) {
		CacheSettings settings = resolveUndeclared(name);
		try {
			settings.validate(this.maxTtl);
		}
		catch (CacheSettings.InvalidSettingsException ex) {
			List<String> origins = originsOfDefaults(name, ex.settings(), true);
			throw new TierCacheConfigurationException(
					"Invalid " + this.specs.prefix(name) + ": " + ex.getMessage() + ex.origins(origins),
					ex.action(origins));
		}
	}

	@Override
	public boolean configures(String cacheName) {
		return this.specs.get(cacheName) != null;
	}

	@Override
	public @Nullable String overriddenBy(CacheSettings declared, String setting) {
		CacheSettings specified = applySpec(declared);
		if (!Objects.equals(value(apply(declared), setting), value(specified, setting))) {
			return "a TierCacheCustomizer";
		}
		CacheSpec spec = this.specs.get(declared.name());
		String property = (spec != null) ? specProperty(spec, setting) : null;
		return (property != null) ? this.specs.prefix(declared.name()) + "." + property : null;
	}

	/**
	 * Where the settings a failed check names came from, for a cache that sets nothing
	 * itself: {@code tiercache.caches.<name>.*} or the defaults.
	 * @param name the cache
	 * @param settings the settings the check named
	 * @return where each came from, such as {@code tiercache.default-ttl} and
	 * {@code tiercache.caches.reports.stale-while-revalidate}
	 */
	List<String> originsOfDefaults(String name, List<String> settings) {
		return originsOfDefaults(name, settings, false);
	}

	private List<String> originsOfDefaults(String name, List<String> settings, boolean withCustomizers) {
		CacheSpec spec = this.specs.get(name);
		List<String> origins = new ArrayList<>(settings.size());
		for (String setting : settings) {
			String property = (spec != null) ? specProperty(spec, setting) : null;
			String override = withCustomizers ? overriddenBy(defaultSettings(name), setting)
					: (property != null) ? this.specs.prefix(name) + "." + property : null;
			origins.add((override != null) ? override : defaultProperty(setting));
		}
		return origins;
	}

	/**
	 * The property that gives a setting of a cache that sets nothing itself.
	 * @param setting the setting, such as {@link CacheSettings#TTL}
	 * @return such as {@code tiercache.default-ttl}
	 */
	static String defaultProperty(String setting) {
		return switch (setting) {
			case CacheSettings.TTL -> "tiercache.default-ttl";
			case CacheSettings.JITTER -> "tiercache.default-jitter";
			default -> "the defaults";
		};
	}

	private static @Nullable String specProperty(CacheSpec spec, String setting) {
		return switch (setting) {
			case CacheSettings.TTL -> (spec.getTtl() != null) ? "ttl" : null;
			case CacheSettings.JITTER -> (spec.getJitter() != null) ? "jitter" : null;
			case CacheSettings.NULL_TTL -> (spec.getNullTtl() != null) ? "null-ttl" : null;
			case CacheSettings.STALE_WHILE_REVALIDATE ->
				(spec.getStaleWhileRevalidate() != null) ? "stale-while-revalidate" : null;
			default -> null;
		};
	}

	private static @Nullable Object value(CacheSettings settings, String setting) {
		return switch (setting) {
			case CacheSettings.TTL -> settings.ttl();
			case CacheSettings.JITTER -> settings.jitter();
			case CacheSettings.NULL_TTL -> settings.nullTtl();
			case CacheSettings.STALE_WHILE_REVALIDATE -> settings.staleWhileRevalidate();
			default -> null;
		};
	}

	private static Jitter parseJitter(String property, @Nullable String value) {
		if (!StringUtils.hasText(value)) {
			return Jitter.NONE;
		}
		try {
			return Durations.parseJitter(value);
		}
		catch (IllegalArgumentException ex) {
			throw new TierCacheConfigurationException("Invalid " + property + ": " + ex.getMessage(), "Set " + property
					+ " to a duration such as 30s, or a percentage of the ttl from 0% to 100%, " + "such as 10%.");
		}
	}

}
