/**
 * The two-tier store: {@link io.tiercache.store.TieredStore} holds every cache and
 * invalidates tags, and each {@link io.tiercache.store.TieredCache} puts this process's
 * Caffeine tier in front of the shared Redis tier, with one load per key, the load lease
 * across processes, stale-while-revalidate, early refresh, local entries checked against
 * the tags' invalidations, and the method's own result returned uncached whenever Redis
 * fails. It owns the local validity model ({@link io.tiercache.store.LocalTrust} and its
 * {@link io.tiercache.store.TagTable}), which the fan-out keeps up to date, the store's
 * options, the one path of every failure ({@link io.tiercache.store.StoreErrorHandler}),
 * a cache's effective settings, how keys are rendered and values encoded, and the
 * observer interfaces that metrics implement. Of tiercache's packages it may use only
 * {@code io.tiercache.redis}; it knows nothing of annotations, interceptors, Spring's
 * cache abstraction or auto-configuration.
 */
@NullMarked
package io.tiercache.store;

import org.jspecify.annotations.NullMarked;
