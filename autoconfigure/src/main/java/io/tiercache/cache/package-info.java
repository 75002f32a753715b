/**
 * Programmatic access to tiercache: {@link io.tiercache.cache.TierCacheOperations} for
 * code without annotations, and a Spring {@link org.springframework.cache.CacheManager}
 * so that {@code @Cacheable} and friends get both tiers and cross-instance invalidation.
 * Of tiercache's packages it may use only {@code io.tiercache.store}.
 */
@NullMarked
package io.tiercache.cache;

import org.jspecify.annotations.NullMarked;
