/**
 * Spring Boot auto-configuration of tiercache: the {@code tiercache.*} properties and
 * their checks at startup, how the settings of a cache are resolved (its annotation, then
 * {@code tiercache.caches.<name>.*}, then every
 * {@link io.tiercache.autoconfigure.TierCacheCustomizer}), and the beans that put the
 * other packages together: the store over the application's Redis connection, the
 * invalidation subscriber, the advisor, the meters, the programmatic API, the Spring
 * Cache bridge, and the actuator endpoint and health indicator. It is the top layer: it
 * may use every tiercache package, and none of them uses it.
 */
@NullMarked
package io.tiercache.autoconfigure;

import org.jspecify.annotations.NullMarked;
