package io.tiercache.store;

import java.time.Duration;
import java.util.List;

import io.tiercache.redis.Envelope;
import io.tiercache.redis.IncompleteInvalidationException;
import io.tiercache.redis.LayoutCheck;
import io.tiercache.redis.RedisKeys;
import io.tiercache.redis.RedisScriptRunner;
import io.tiercache.redis.RedisTier;
import io.tiercache.redis.RedisUnavailableException;
import org.jspecify.annotations.Nullable;

/**
 * The store's one way into Redis, as Spring's {@code AbstractCacheInvoker} is its cache
 * abstraction's: each call either returns Redis's answer or, if Redis could not be used,
 * tells the {@link StoreErrorHandler} and the observer and returns a value that means
 * "without Redis". No {@link RedisUnavailableException} gets past this class.
 */
final class RedisCalls {

	private final RedisTier redis;

	private final StoreErrorHandler errorHandler;

	private final StoreObserver observer;

	private final LayoutCheck layout;

	private volatile boolean retryAnswered;

	RedisCalls(RedisTier redis, StoreErrorHandler errorHandler, StoreObserver observer) {
		this.redis = redis;
		this.errorHandler = errorHandler;
		this.observer = observer;
		this.layout = new LayoutCheck(redis);
	}

	/** The check of this process's layout against its namespace's. */
	LayoutCheck layout() {
		return this.layout;
	}

	/**
	 * Whether entries must not be read or stored: this process's layout is not its
	 * namespace's, so what it stores would not be invalidated by the others (counted as
	 * an error of operation {@code layout}; {@link LayoutCheck} logged it).
	 */
	private boolean refused() {
		if (this.layout.conflict() == null) {
			return false;
		}
		this.observer.redisError("layout");
		return true;
	}

	RedisTier tier() {
		return this.redis;
	}

	RedisKeys keys() {
		return this.redis.keys();
	}

	/** {@link RedisTier#read}, or {@code null} without Redis. */
	RedisTier.@Nullable ReadResult read(byte[] entryKey, byte[] leaseKey, List<String> argumentTags, Duration tagTtl,
			Duration lease, String token, boolean refresh) {
		if (refused()) {
			return null;
		}
		try {
			return this.redis.read(entryKey, leaseKey, argumentTags, tagTtl, lease, token, refresh);
		}
		catch (RedisUnavailableException ex) {
			failed(ex);
			return null;
		}
	}

	/** {@link RedisTier#write}: whether it was stored, or {@code null} without Redis. */
	@Nullable Boolean write(byte[] entryKey, byte[] leaseKey, String token, Envelope envelope, Duration ttl) {
		if (refused()) {
			return null;
		}
		try {
			return this.redis.write(entryKey, leaseKey, token, envelope, ttl);
		}
		catch (RedisUnavailableException ex) {
			failed(ex);
			return null;
		}
	}

	/**
	 * {@link RedisTier#invalidate}: the slot groups Redis took, all or some, or
	 * {@code null} if it took none.
	 */
	@Nullable List<RedisTier.Invalidated> invalidate(List<String> tags) {
		try {
			return this.redis.invalidate(tags);
		}
		catch (RedisUnavailableException ex) {
			failed(ex);
			return done(ex);
		}
	}

	/**
	 * {@link RedisTier#retryInvalidation}: the slot groups Redis took, all or some, or
	 * {@code null} if it took none.
	 */
	@Nullable List<RedisTier.Invalidated> retryInvalidation(List<String> tags) {
		try {
			List<RedisTier.Invalidated> sequence = this.redis.retryInvalidation(tags);
			this.retryAnswered = false;
			return sequence;
		}
		catch (RedisUnavailableException ex) {
			this.retryAnswered = RedisScriptRunner.REPLICA_ACK.equals(ex.operation());
			failed(ex);
			return done(ex);
		}
	}

	private static @Nullable List<RedisTier.Invalidated> done(RedisUnavailableException ex) {
		return (ex instanceof IncompleteInvalidationException incomplete && !incomplete.done().isEmpty())
				? incomplete.done() : null;
	}

	/**
	 * Whether the last {@link #retryInvalidation} failed although Redis answered it: it
	 * ran, but too few replicas acknowledged it. Only the store's retry calls
	 * {@code retryInvalidation}, one at a time.
	 */
	boolean retryWasAnswered() {
		return this.retryAnswered;
	}

	/** {@link RedisTier#restartEpoch}, or {@code null} without Redis. */
	RedisTier.@Nullable Sequence restartEpoch(int group, String epoch, long seen) {
		try {
			return this.redis.restartEpoch(group, epoch, seen);
		}
		catch (RedisUnavailableException ex) {
			failed(ex);
			return null;
		}
	}

	/** {@link RedisTier#release}, best effort. */
	void release(byte[] leaseKey, String token) {
		try {
			this.redis.release(leaseKey, token);
		}
		catch (RedisUnavailableException ex) {
			failed(ex);
		}
	}

	/** {@link RedisTier#unlink}, best effort. */
	void unlink(byte[] entryKey) {
		try {
			this.redis.unlink(entryKey);
		}
		catch (RedisUnavailableException ex) {
			failed(ex);
		}
	}

	private void failed(RedisUnavailableException ex) {
		this.observer.redisError(ex.operation());
		this.errorHandler.handleRedisError(ex.operation(), ex);
	}

}
