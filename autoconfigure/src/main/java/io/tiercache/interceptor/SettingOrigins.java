package io.tiercache.interceptor;

import io.tiercache.store.CacheSettings;
import org.jspecify.annotations.Nullable;

/**
 * Says which configuration changed a setting of a cache after its annotation, so that a
 * startup failure can name the property to fix rather than only the method. The
 * {@link TierCacheDefaults#overrides() overrides} may implement it.
 *
 * @since 0.1.0
 */
public interface SettingOrigins {

	/**
	 * Where the final value of one setting comes from, if not from the settings before
	 * the overrides.
	 * @param declared the settings before the overrides (annotation and defaults)
	 * @param setting the setting, such as {@link CacheSettings#JITTER}
	 * @return the property or customizer that set it, such as
	 * {@code tiercache.caches.products.jitter}, or {@code null} if it is the declared
	 * value
	 */
	@Nullable String overriddenBy(CacheSettings declared, String setting);

	/**
	 * Whether per-cache configuration names a cache.
	 * @param cacheName the cache name
	 * @return whether {@code tiercache.caches.<name>} is set for it
	 */
	default boolean configures(String cacheName) {
		return false;
	}

}
