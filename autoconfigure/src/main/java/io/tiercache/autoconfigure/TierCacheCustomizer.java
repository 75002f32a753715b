package io.tiercache.autoconfigure;

import io.tiercache.store.CacheSettings;

/**
 * Callback to tune the settings of each cache in code. Every bean of this type is
 * applied, in {@link org.springframework.core.annotation.Order @Order} (or
 * {@link org.springframework.core.Ordered}) order, to the settings of every cache: those
 * declared by {@code @Cached}, those of the programmatic {@code TierCacheOperations} and
 * those of the Spring Cache bridge. It runs after {@code tiercache.caches.<name>.*} has
 * been applied, and its result is validated like annotation attributes: an invalid one
 * fails at startup (or, for a cache first named at run time, when it is first used).
 * <pre class="code">
 * &#64;Bean
 * TierCacheCustomizer shortLivedPrices() {
 *     return (settings) -&gt; settings.name().startsWith("prices")
 *             ? settings.withTtl(Duration.ofSeconds(30)) : settings;
 * }
 * </pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface TierCacheCustomizer {

	/**
	 * Customize the settings of one cache.
	 * @param settings the settings so far
	 * @return the settings to use, never {@code null}; return the argument to change
	 * nothing
	 */
	CacheSettings customize(CacheSettings settings);

}
