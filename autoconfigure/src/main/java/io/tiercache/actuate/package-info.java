/**
 * Actuator support: the {@code tiercache} endpoint, to see every cache's configuration and
 * figures and to invalidate or clear on every instance, and the {@code tiercache} health
 * indicator.
 */
@NullMarked
package io.tiercache.actuate;

import org.jspecify.annotations.NullMarked;
