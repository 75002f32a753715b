package io.tiercache.redis;

import java.util.List;

/**
 * An invalidation of several slot groups that Redis took for some of them only: on Redis
 * Cluster, one master down leaves the groups of the others invalidated. The caller sends
 * the rest again (sending any of it again is harmless), and may apply what was done.
 *
 * @since 0.1.0
 */
public final class IncompleteInvalidationException extends RedisUnavailableException {

	private final List<RedisTier.Invalidated> done;

	IncompleteInvalidationException(String operation, RedisUnavailableException failure,
			List<RedisTier.Invalidated> done) {
		super(operation, failure.getMessage()
				+ (done.isEmpty() ? "" : " (" + done.size() + " of the invalidation's slot groups were invalidated)"),
				failure.getCause());
		this.done = List.copyOf(done);
	}

	/**
	 * The groups Redis invalidated.
	 * @return them, each with its sequence number; empty if none
	 */
	public List<RedisTier.Invalidated> done() {
		return this.done;
	}

}
