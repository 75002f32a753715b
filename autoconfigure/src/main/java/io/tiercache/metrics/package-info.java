/**
 * Micrometer binding of the store and the fan-out: Spring Boot's standard cache meters
 * per cache ({@link io.tiercache.metrics.TieredCacheMeterBinder}) and tiercache's own
 * meters under {@code tiercache.*}
 * ({@link io.tiercache.metrics.MicrometerStoreObserver}), the outbox's among them
 * ({@link io.tiercache.metrics.OutboxMeters}). It only observes: it may read
 * {@code io.tiercache.store}, {@code io.tiercache.fanout}, {@code io.tiercache.outbox}
 * and {@code io.tiercache.redis}, and only the auto-configuration uses it.
 */
@NullMarked
package io.tiercache.metrics;

import org.jspecify.annotations.NullMarked;
