package io.tiercache.store;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The consistency checker's way into what the store keeps package-private, so that
 * nothing of it is public API: switching an instance's local safety checks off (the
 * "broken" run, which proves the checker catches the stale reads that follow), and a
 * trust state that no store owns, for the checker's own unit tests.
 */
public final class ConsistencyCheckerSeam {

	private ConsistencyCheckerSeam() {
	}

	/**
	 * Switch the local tier's safety checks off: no invalidation, clear or loss of trust
	 * reaches local entries any more.
	 * @param trust the instance's local trust state
	 */
	public static void disableLocalChecks(LocalTrust trust) {
		trust.setChecksEnabled(false);
	}

	/** A trust state of no store, whose listeners see what a test applies to it. */
	public static LocalTrust detachedTrust() {
		return new LocalTrust(new TagTable(), Ticker.systemTicker(), StoreOptions.DEFAULT_LOCAL_MAX_UNCONFIRMED);
	}

}
