package io.tiercache.store;

/**
 * What every cache of one store shares: the way into Redis, this process's local trust
 * state, the error handler, the options and the refresh threads.
 *
 * @param redis the store's way into Redis
 * @param trust this process's local trust state
 * @param errorHandler told of every failure on tiercache's side
 * @param options the store's options
 * @param refresher runs background refreshes
 */
record StoreContext(RedisCalls redis, LocalTrust trust, StoreErrorHandler errorHandler, StoreOptions options,
		BackgroundRefresher refresher) {
}
