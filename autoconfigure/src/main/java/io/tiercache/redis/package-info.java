/**
 * The shared tier as Redis holds it: the key layout
 * ({@link io.tiercache.redis.RedisKeys}), the entry envelope and the invalidation
 * message, the Lua scripts that read, write and invalidate in one round trip each
 * ({@link io.tiercache.redis.RedisTier}), run by
 * {@link io.tiercache.redis.RedisScriptRunner} within tiercache's own command timeout and
 * behind a {@link io.tiercache.redis.CircuitBreaker}. It is the bottom layer: it imports
 * no other tiercache package, and knows nothing of local tiers, caches or annotations.
 */
@NullMarked
package io.tiercache.redis;

import org.jspecify.annotations.NullMarked;
