package io.tiercache.store;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs background refreshes (stale-while-revalidate and early refresh) on the store's own
 * threads: at most one per key in this process, and, through the lease the refresh takes,
 * one across processes. A full queue drops the refresh: the entry is served until it
 * expires.
 */
final class BackgroundRefresher {

	private final ThreadPoolExecutor executor;

	private final Set<RefreshKey> refreshing = ConcurrentHashMap.newKeySet();

	BackgroundRefresher(int threads) {
		this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000),
				TieredStore.daemonThreads("tiercache-refresh"), new ThreadPoolExecutor.AbortPolicy());
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Refresh a key unless a refresh of it is already running here.
	 * @param cacheName the cache
	 * @param key the key
	 * @param refresh the refresh; returns whether it stored a new value
	 * @param outcome told whether the refresh stored a value, unless it was skipped as a
	 * duplicate
	 */
	void submit(String cacheName, Object key, BooleanSupplier refresh, Outcome outcome) {
		RefreshKey refreshKey = new RefreshKey(cacheName, key);
		if (!this.refreshing.add(refreshKey)) {
			return;
		}
		try {
			this.executor.execute(() -> {
				try {
					outcome.refreshed(refresh.getAsBoolean());
				}
				finally {
					this.refreshing.remove(refreshKey);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.refreshing.remove(refreshKey);
			outcome.refreshed(false);
		}
	}

	void close() {
		this.executor.shutdownNow();
	}

	/** Told how a refresh ended. */
	@FunctionalInterface
	interface Outcome {

		void refreshed(boolean stored);

	}

	private record RefreshKey(String cacheName, Object key) {
	}

}
