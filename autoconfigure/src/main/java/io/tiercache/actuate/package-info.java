/**
 * Actuator support: the {@code tiercache} endpoint, to see every cache's configuration
 * and figures and to invalidate or clear on every instance, and the {@code tiercache}
 * health indicator. It only observes and forwards: it may use {@code io.tiercache.store},
 * {@code io.tiercache.fanout} and {@code io.tiercache.redis}, and only the
 * auto-configuration uses it.
 */
@NullMarked
package io.tiercache.actuate;

import org.jspecify.annotations.NullMarked;
