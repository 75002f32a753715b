package io.tiercache.store;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.tiercache.fanout.InvalidationView;
import io.tiercache.fanout.InvalidationView.ClearReason;
import io.tiercache.fanout.InvalidationView.Distrust;
import io.tiercache.fanout.TagState;
import io.tiercache.redis.CircuitBreaker;
import io.tiercache.redis.RedisTier;
import io.tiercache.redis.RedisUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two tiers of every cache, and tag invalidation.
 * <p>
 * {@link #invalidate} marks the tags pending in this process first (so its local tier stops
 * serving them before Redis is even asked), then runs the invalidate script, then applies the
 * result locally: the caller's own process never serves an old value once the call returns
 * (read-your-writes). If Redis cannot be reached the invalidation is retried in the background
 * with backoff, and the tags stay pending here until it succeeds.
 * <p>
 * While Redis is unreachable (the circuit breaker is open) the local tier is bypassed, since
 * invalidations made elsewhere cannot be heard, and it is cleared before it serves again.
 *
 * @since 0.1.0
 */
public class TieredStore {

	private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);

	private final RedisTier redis;

	private final InvalidationView view;

	private final ValueCodec codec;

	private final KeyRenderer keyRenderer;

	private final Options options;

	private final StoreObserver observer;

	private final FailureLog failures;

	private final PendingInvalidations pending;

	private final Map<String, Registration> caches = new ConcurrentHashMap<>();

	/**
	 * Store options.
	 * @param maximumSize maximum number of entries of each cache's local tier
	 * @param maxTtl longest time an entry stays in a local tier, whatever its own time to live
	 * @param ticker time source of the local tier
	 * @param wallClock current time in milliseconds, for envelopes, staleness and early refresh
	 * @param leaseTimeout how long a load lease lasts: a process that holds it longer (hung,
	 * dead) lets another take over
	 * @param leaseMaxWait longest time a miss waits for another caller's load before loading by
	 * itself
	 * @param earlyRefreshBeta the XFetch parameter; {@code 0} turns early refresh off
	 * @param refreshThreads threads of the background refresh executor
	 * @param random uniform numbers in [0, 1), for jitter and early refresh
	 * @param maxValueBytes largest serialized value stored in Redis; larger ones are returned
	 * but not cached
	 */
	public record Options(long maximumSize, Duration maxTtl, Ticker ticker, LongSupplier wallClock,
			Duration leaseTimeout, Duration leaseMaxWait, double earlyRefreshBeta, int refreshThreads,
			DoubleSupplier random, long maxValueBytes) {

		public Options(long maximumSize, Duration maxTtl, Ticker ticker, LongSupplier wallClock) {
			this(maximumSize, maxTtl, ticker, wallClock, Duration.ofSeconds(2), Duration.ofSeconds(3), 1.0, 2,
					() -> ThreadLocalRandom.current().nextDouble(), 1024 * 1024);
		}

		public Options withMaxValueBytes(long maxValueBytes) {
			return new Options(this.maximumSize, this.maxTtl, this.ticker, this.wallClock, this.leaseTimeout,
					this.leaseMaxWait, this.earlyRefreshBeta, this.refreshThreads, this.random, maxValueBytes);
		}

		public static Options defaults() {
			return new Options(10_000, Duration.ofMinutes(5), Ticker.systemTicker(), System::currentTimeMillis);
		}

		public Options withFreshness(Duration leaseTimeout, Duration leaseMaxWait, double earlyRefreshBeta,
				int refreshThreads) {
			return new Options(this.maximumSize, this.maxTtl, this.ticker, this.wallClock, leaseTimeout, leaseMaxWait,
					earlyRefreshBeta, refreshThreads, this.random, this.maxValueBytes);
		}

		public Options withClock(LongSupplier wallClock, DoubleSupplier random) {
			return new Options(this.maximumSize, this.maxTtl, this.ticker, wallClock, this.leaseTimeout,
					this.leaseMaxWait, this.earlyRefreshBeta, this.refreshThreads, random, this.maxValueBytes);
		}

	}

	private final ScheduledExecutorService scheduler;

	private final ThreadPoolExecutor refreshExecutor;

	public TieredStore(RedisTier redis, InvalidationView view, ValueCodec codec, KeyRenderer keyRenderer, Options options,
			StoreObserver observer) {
		this.redis = redis;
		this.view = view;
		this.codec = codec;
		this.keyRenderer = keyRenderer;
		this.options = options;
		this.observer = observer;
		this.failures = new FailureLog(logger, System::nanoTime);
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "tiercache-retry");
			thread.setDaemon(true);
			return thread;
		});
		this.pending = new PendingInvalidations(this, this.scheduler);
		this.refreshExecutor = new ThreadPoolExecutor(options.refreshThreads(), options.refreshThreads(), 30,
				TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000), (runnable) -> {
					Thread thread = new Thread(runnable, "tiercache-refresh");
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.AbortPolicy());
		this.refreshExecutor.allowCoreThreadTimeOut(true);
		view.addClearListener(this::clearLocal);
		redis.breaker().addStateListener((from, to) -> {
			if (from == CircuitBreaker.State.CLOSED && to == CircuitBreaker.State.OPEN) {
				view.distrust(Distrust.REDIS_UNREACHABLE, ClearReason.DISCONNECT);
			}
			else if (to == CircuitBreaker.State.CLOSED) {
				view.restoreTrust(Distrust.REDIS_UNREACHABLE, ClearReason.DISCONNECT);
				this.pending.retrySoon();
			}
		});
		// Redis answering again (after a dropped connection, say) is the moment to retry, not
		// the end of the backoff: until then Redis still holds what was invalidated.
		redis.breaker().addSuccessListener(this.pending::retrySoon);
	}

	/**
	 * The cache with the given settings, created on first use. A name is bound to one value
	 * type and one set of settings.
	 * @param settings the settings
	 * @param valueType the declared type of its values
	 * @return the cache
	 * @throws IllegalStateException if the name is already bound to another value type
	 */
	public TieredCache cache(CacheSettings settings, Type valueType) {
		Registration registration = this.caches.computeIfAbsent(settings.name(),
				(name) -> new Registration(valueType, createCache(settings, valueType)));
		if (!registration.valueType.equals(valueType)) {
			throw new IllegalStateException("Cache '" + settings.name() + "' holds values of type "
					+ registration.valueType.getTypeName() + ", not " + valueType.getTypeName());
		}
		return registration.cache;
	}

	/**
	 * The caches created so far.
	 * @return the caches by name
	 */
	public Map<String, TieredCache> caches() {
		Map<String, TieredCache> result = new java.util.TreeMap<>();
		this.caches.forEach((name, registration) -> result.put(name, registration.cache));
		return result;
	}

	private TieredCache createCache(CacheSettings settings, Type valueType) {
		CacheObserver cacheObserver = this.observer.cache(settings.name());
		Cache<Object, LocalEntry> local = null;
		if (settings.local()) {
			Duration maxTtl = this.options.maxTtl();
			local = Caffeine.newBuilder()
				.maximumSize(this.options.maximumSize())
				.ticker(this.options.ticker())
				.expireAfter(Expiry.<Object, LocalEntry>writing((key, entry) -> {
					Duration ttl = Duration.ofNanos(entry.ttlNanos);
					return (ttl.compareTo(maxTtl) < 0) ? ttl : maxTtl;
				}))
				.evictionListener((key, entry, cause) -> cacheObserver.localEviction())
				.build();
		}
		TieredCache cache = new TieredCache(settings, this, this.codec.bind(valueType), local, cacheObserver);
		this.observer.cacheCreated(cache);
		return cache;
	}

	/**
	 * Invalidate tags everywhere. Never throws: a failure is logged, counted and retried.
	 * @param tags the tags; {@code null}s and duplicates are ignored
	 */
	public void invalidate(Collection<String> tags) {
		List<String> distinct = distinct(tags);
		if (distinct.isEmpty()) {
			return;
		}
		TagState[] marks = this.view.markPending(distinct);
		if (!tryInvalidate(distinct, marks)) {
			this.observer.invalidationFailed();
			this.pending.add(distinct, marks);
		}
	}

	/**
	 * One attempt: on success the invalidation is applied locally and its pending marks lifted.
	 * @return whether it reached Redis
	 */
	boolean tryInvalidate(List<String> tags, TagState[] marks) {
		RedisTier.Sequence sequence;
		try {
			sequence = this.redis.invalidate(tags);
		}
		catch (RedisUnavailableException ex) {
			redisFailed(ex);
			return false;
		}
		this.view.apply(sequence.epoch(), sequence.seq(), tags);
		this.view.resolvePending(marks);
		this.observer.invalidationPublished();
		return true;
	}

	/**
	 * Drop the local tier of every cache, in this process only.
	 */
	public void clearLocal() {
		this.view.clear(ClearReason.MANUAL);
	}

	private void clearLocal(ClearReason reason) {
		this.observer.localCleared(reason);
		for (Registration registration : this.caches.values()) {
			registration.cache.clearLocal();
		}
	}

	/** Number of invalidations waiting for Redis. */
	public int pendingInvalidations() {
		return this.pending.size();
	}

	public InvalidationView view() {
		return this.view;
	}

	RedisTier redis() {
		return this.redis;
	}

	KeyRenderer keyRenderer() {
		return this.keyRenderer;
	}

	FailureLog failures() {
		return this.failures;
	}

	StoreObserver observer() {
		return this.observer;
	}

	long currentTimeMillis() {
		return this.options.wallClock().getAsLong();
	}

	/** Time source of load durations (the local tier's ticker, so tests can fake both). */
	long nanoTime() {
		return this.options.ticker().read();
	}

	double random() {
		return this.options.random().getAsDouble();
	}

	DoubleSupplier randomSource() {
		return this.options.random();
	}

	Duration leaseTimeout() {
		return this.options.leaseTimeout();
	}

	Duration leaseMaxWait() {
		return this.options.leaseMaxWait();
	}

	long maxValueBytes() {
		return this.options.maxValueBytes();
	}

	double earlyRefreshBeta() {
		return this.options.earlyRefreshBeta();
	}

	Executor refreshExecutor() {
		return this.refreshExecutor;
	}



	void redisFailed(RedisUnavailableException ex) {
		this.observer.redisError(ex.operation());
		this.failures.warn("redis:" + ex.operation(),
				"Redis " + ex.operation() + " failed; calling the method uncached", ex);
	}

	/** Stop retrying; called on shutdown. */
	public void close() {
		this.pending.close();
		this.scheduler.shutdownNow();
		this.refreshExecutor.shutdownNow();
	}

	/** The tags without {@code null}s and duplicates, in order. */
	static List<String> distinct(Collection<String> tags) {
		if (tags.isEmpty()) {
			return List.of();
		}
		LinkedHashSet<String> distinct = new LinkedHashSet<>();
		for (String tag : tags) {
			if (tag != null) {
				distinct.add(tag);
			}
		}
		return new ArrayList<>(distinct);
	}

	private record Registration(Type valueType, TieredCache cache) {
	}


}
