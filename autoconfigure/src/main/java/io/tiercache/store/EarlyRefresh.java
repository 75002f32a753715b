package io.tiercache.store;

import java.util.function.DoubleSupplier;

/**
 * Probabilistic early refresh, "XFetch" (Vattani, Chierichetti, Lowenstein: Optimal
 * Probabilistic Cache Stampede Prevention, VLDB 2015): a read at time {@code now}
 * refreshes an entry expiring at {@code expiry} whose last load took {@code delta} if
 * {@code now - delta * beta * ln(U) >= expiry}, with {@code U} uniform in (0, 1]. The
 * probability grows as expiry nears, faster for slow loads, so one reader refreshes just
 * before the entry expires instead of every reader after. {@code beta > 1} favours
 * earlier refreshes, {@code beta = 0} turns it off.
 */
final class EarlyRefresh {

	private EarlyRefresh() {
	}

	/**
	 * The XFetch test for one read.
	 * @param now the current time (ms)
	 * @param expiry when the entry expires (ms)
	 * @param delta how long its last load took (ms)
	 * @param beta the XFetch parameter; {@code 0} never refreshes early
	 * @param random uniform numbers in [0, 1)
	 * @return whether this read should refresh the entry
	 */
	static boolean shouldRefresh(long now, long expiry, long delta, double beta, DoubleSupplier random) {
		if (beta <= 0 || delta <= 0) {
			return false;
		}
		return now - delta * beta * Math.log(1 - random.getAsDouble()) >= expiry;
	}

	/**
	 * How long a copy may stay in the local tier: until the soft expiry, shortened by one
	 * XFetch draw, so that one read in this process goes to Redis (where the test is made
	 * for each read) a little before the entry expires.
	 * @param untilExpiry time left before the soft expiry (ms)
	 * @param delta how long the last load took (ms)
	 * @param beta the XFetch parameter
	 * @param random uniform numbers in [0, 1)
	 * @return the local lifetime (ms), possibly zero
	 */
	static long localLifetime(long untilExpiry, long delta, double beta, DoubleSupplier random) {
		if (beta <= 0 || delta <= 0) {
			return Math.max(0, untilExpiry);
		}
		long early = (long) (-delta * beta * Math.log(1 - random.getAsDouble()));
		return Math.max(0, untilExpiry - early);
	}

}
