/**
 * Invalidations across processes: {@link io.tiercache.fanout.InvalidationSubscriber}
 * subscribes to the invalidation channel on a listener container of its own, applies the
 * messages in the order Redis sent them to the store's
 * {@link io.tiercache.store.LocalTrust}, and withdraws trust in the local tier whenever a
 * message may have been missed: until the first subscription is confirmed, when a pub/sub
 * connection drops (Lettuce's connection events tell it), on a gap in the sequence and on
 * a stalled channel. The gap, stall and epoch decisions are a pure
 * {@code SequenceTracker}. It may use {@code io.tiercache.store} and
 * {@code io.tiercache.redis}, and nothing above them.
 */
@NullMarked
package io.tiercache.fanout;

import org.jspecify.annotations.NullMarked;
