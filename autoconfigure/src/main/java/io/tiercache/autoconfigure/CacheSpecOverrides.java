package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.tiercache.autoconfigure.TierCacheProperties.CacheSpec;
import io.tiercache.store.CacheSettings;

/**
 * Applies {@code tiercache.caches.<name>.*} to the settings an annotation declares: each
 * property that is set wins over the annotation's attribute.
 */
final class CacheSpecOverrides implements UnaryOperator<CacheSettings> {

	private final Map<String, CacheSpec> specs;

	CacheSpecOverrides(Map<String, CacheSpec> specs) {
		this.specs = specs;
	}

	@Override
	public CacheSettings apply(CacheSettings settings) {
		CacheSpec spec = this.specs.get(settings.name());
		if (spec == null) {
			return settings;
		}
		String prefix = "tiercache.caches." + settings.name() + ".";
		CacheSettings result = settings;
		if (spec.getTtl() != null) {
			result = result.withTtl(spec.getTtl());
		}
		if (spec.getJitter() != null) {
			result = result.withJitter(TierCacheAutoConfiguration.parseJitter(prefix + "jitter", spec.getJitter()));
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

}
