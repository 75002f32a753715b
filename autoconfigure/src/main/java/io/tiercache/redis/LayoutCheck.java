package io.tiercache.redis;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that this process splits its namespace's invalidation state into as many slot
 * groups as the other processes of the namespace: the first to reach Redis records its
 * layout under the namespace's {@link RedisKeys#layout() layout key}, and every other
 * compares its own with it. Processes of two layouts use different keys and channels for
 * the same tags, so neither hears the other's invalidations: one with a layout other than
 * the recorded one must not cache. It is told at its first check, logs an error once,
 * naming both layouts and the fix, and from then on its store answers every call from the
 * method, its local tier is never trusted, and health is {@code DOWN}.
 * <p>
 * Its invalidations still go out in its own layout, to the processes that share it: the
 * others do not hear them, which the error says.
 *
 * @since 0.1.0
 */
public final class LayoutCheck {

	private static final Logger logger = LoggerFactory.getLogger(LayoutCheck.class);

	private final RedisTier redis;

	private volatile @Nullable String conflict;

	/**
	 * Create the check of a tier's layout.
	 * @param redis the tier
	 */
	public LayoutCheck(RedisTier redis) {
		this.redis = redis;
	}

	/**
	 * Record this process's layout, or compare it with the recorded one. Costs one script
	 * on the namespace's first slot, bounded by the command timeout; call it once Redis
	 * has answered, not on a caller's thread. A Redis that cannot be asked is asked again
	 * the next time.
	 * @return {@code false} if this process's layout is not the namespace's (then and
	 * ever after: the recorded layout outlives this process's view of it)
	 */
	public boolean run() {
		if (this.conflict != null) {
			return false;
		}
		String recorded;
		try {
			recorded = this.redis.claimLayout();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not check the namespace's layout", ex);
			return true;
		}
		String own = this.redis.layout();
		if (own.equals(recorded)) {
			return true;
		}
		String key = new String(this.redis.keys().layout(), StandardCharsets.UTF_8);
		String message = "Redis records layout '" + recorded + "' for this namespace (" + key
				+ ") and this process uses '" + own + "': they do not hear each other's invalidations";
		this.conflict = message;
		logger.error("{}, so this process caches nothing, in either tier, and its health is DOWN. Set the same "
				+ "tiercache.redis.slot-groups on every instance of the namespace (unset, a Redis Cluster gives 128 "
				+ "and one server 1), or give the instances of the new layout a new tiercache.namespace", message);
		return false;
	}

	/**
	 * Why this process must not cache, if it must not.
	 * @return the conflict, or {@code null} if the layouts agree or are not known yet
	 */
	public @Nullable String conflict() {
		return this.conflict;
	}

}
