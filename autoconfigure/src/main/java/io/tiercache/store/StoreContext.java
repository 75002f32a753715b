package io.tiercache.store;

/**
 * What every cache of one store shares: the way into Redis, this process's local trust
 * state, the error handler, the options, the refresh threads and the threads of calls
 * that return a future.
 *
 * @param redis the store's way into Redis
 * @param trust this process's local trust state
 * @param errorHandler told of every failure on tiercache's side
 * @param options the store's options
 * @param refresher runs background refreshes
 * @param asyncCalls runs the Redis round trips of calls that return a future
 */
record StoreContext(RedisCalls redis, LocalTrust trust, StoreErrorHandler errorHandler, StoreOptions options,
		BackgroundRefresher refresher, AsyncCalls asyncCalls) {
}
