package io.tiercache.store;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tiercache.redis.RedisKeys;

/**
 * Everything a {@link TieredStore} is tuned by, with the one set of defaults that
 * tiercache has: {@code tiercache.*} properties start from these values. Built with
 * {@link #builder()}, which checks every value, so that an instance is always valid.
 *
 * @since 0.1.0
 */
public final class StoreOptions {

	/** Default maximum number of entries of each cache's local tier. */
	public static final long DEFAULT_LOCAL_MAXIMUM_SIZE = 10_000;

	/** Default longest time an entry stays in a local tier. */
	public static final Duration DEFAULT_LOCAL_MAX_TTL = Duration.ofMinutes(5);

	/**
	 * Default longest time the local tier is served after the last confirmation that this
	 * process has applied every invalidation Redis had published: twice the invalidation
	 * subscriber's default check interval (500 ms), so that one check may be late without
	 * the local tier lapsing.
	 */
	public static final Duration DEFAULT_LOCAL_MAX_UNCONFIRMED = Duration.ofSeconds(1);

	/** Default longest time to live of any entry. */
	public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(1);

	/** Default prefix of every Redis key. */
	public static final String DEFAULT_KEY_PREFIX = "tc";

	/**
	 * Slot groups to split the invalidation state into on a Redis Cluster: enough that
	 * groups spread over three masters within 2% of even. The default on a cluster.
	 */
	public static final int CLUSTER_SLOT_GROUPS = 128;

	/** Default namespace. */
	public static final String DEFAULT_NAMESPACE = "v1";

	/** Default time tiercache waits for one Redis command. */
	public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);

	/** Default number of consecutive Redis failures that open the circuit breaker. */
	public static final int DEFAULT_BREAKER_FAILURE_THRESHOLD = 3;

	/**
	 * Default time the circuit breaker stays open before one probe call is let through.
	 */
	public static final Duration DEFAULT_BREAKER_OPEN_DURATION = Duration.ofSeconds(1);

	/** Default duration of a load lease. */
	public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(2);

	/** Default longest wait of a miss for another caller's load. */
	public static final Duration DEFAULT_LEASE_MAX_WAIT = Duration.ofSeconds(3);

	/** Default XFetch parameter. */
	public static final double DEFAULT_EARLY_REFRESH_BETA = 1.0;

	/** Default number of background refresh threads. */
	public static final int DEFAULT_REFRESH_THREADS = 2;

	/**
	 * Default number of threads making the Redis round trips of calls that return a
	 * future.
	 */
	public static final int DEFAULT_ASYNC_THREADS = 8;

	/** Default largest serialized value stored in Redis: 1 MiB. */
	public static final long DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

	/**
	 * Default longest time closing the store waits for queued invalidations to reach
	 * Redis.
	 */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Default number of replicas that must acknowledge an invalidation before it counts
	 * as done: none, so invalidations do not wait for replication.
	 */
	public static final int DEFAULT_REPLICA_ACKS = 0;

	/**
	 * Default longest time an invalidation waits for its replicas' acknowledgement
	 * ({@code WAIT}), when {@link #replicaAcks()} asks for any: replication on one
	 * network takes a millisecond or two, so this is ample, and short enough that a
	 * replica that cannot answer holds up the invalidations behind it for little.
	 */
	public static final Duration DEFAULT_REPLICA_ACK_TIMEOUT = Duration.ofMillis(100);

	/** Sleeps for a number of nanoseconds; faked in tests together with the ticker. */
	@FunctionalInterface
	public interface Sleeper {

		/** The real one. */
		Sleeper SYSTEM = TimeUnit.NANOSECONDS::sleep;

		void sleep(long nanos) throws InterruptedException;

	}

	private final long localMaximumSize;

	private final Duration localMaxTtl;

	private final Duration localMaxUnconfirmed;

	private final Duration maxTtl;

	private final String keyPrefix;

	private final String namespace;

	private final Duration commandTimeout;

	private final int breakerFailureThreshold;

	private final Duration breakerOpenDuration;

	private final Duration leaseTimeout;

	private final Duration leaseMaxWait;

	private final double earlyRefreshBeta;

	private final int refreshThreads;

	private final int asyncThreads;

	private final long maxValueBytes;

	private final Duration shutdownTimeout;

	private final int replicaAcks;

	private final Duration replicaAckTimeout;

	private final int slotGroups;

	private final Ticker ticker;

	private final Sleeper sleeper;

	private final LongSupplier wallClock;

	private final DoubleSupplier random;

	private StoreOptions(Builder builder) {
		this.localMaximumSize = builder.localMaximumSize;
		this.localMaxTtl = builder.localMaxTtl;
		this.localMaxUnconfirmed = builder.localMaxUnconfirmed;
		this.maxTtl = builder.maxTtl;
		this.keyPrefix = builder.keyPrefix;
		this.namespace = builder.namespace;
		this.commandTimeout = builder.commandTimeout;
		this.breakerFailureThreshold = builder.breakerFailureThreshold;
		this.breakerOpenDuration = builder.breakerOpenDuration;
		this.leaseTimeout = builder.leaseTimeout;
		this.leaseMaxWait = builder.leaseMaxWait;
		this.earlyRefreshBeta = builder.earlyRefreshBeta;
		this.refreshThreads = builder.refreshThreads;
		this.asyncThreads = builder.asyncThreads;
		this.maxValueBytes = builder.maxValueBytes;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.replicaAcks = builder.replicaAcks;
		this.replicaAckTimeout = builder.replicaAckTimeout;
		this.slotGroups = builder.slotGroups;
		this.ticker = builder.ticker;
		this.sleeper = builder.sleeper;
		this.wallClock = builder.wallClock;
		this.random = builder.random;
	}

	/** A builder starting from the defaults. */
	public static Builder builder() {
		return new Builder();
	}

	/** The defaults. */
	public static StoreOptions defaults() {
		return builder().build();
	}

	/** A builder starting from these options. */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/** Maximum number of entries of each cache's local tier. */
	public long localMaximumSize() {
		return this.localMaximumSize;
	}

	/** Longest time an entry stays in a local tier, whatever its own time to live. */
	public Duration localMaxTtl() {
		return this.localMaxTtl;
	}

	/**
	 * Longest time, on {@link #ticker()}, that the local tier is served after this
	 * process last confirmed that it had applied every invalidation Redis had published
	 * ([I10] in {@code docs/correctness.md}). Only a store whose invalidation subscriber
	 * confirms it is bounded so; one without a subscriber hears no other process anyway.
	 */
	public Duration localMaxUnconfirmed() {
		return this.localMaxUnconfirmed;
	}

	/** Longest time to live of any entry; invalidated tags are remembered that long. */
	public Duration maxTtl() {
		return this.maxTtl;
	}

	public String keyPrefix() {
		return this.keyPrefix;
	}

	public String namespace() {
		return this.namespace;
	}

	/** How long tiercache waits for one Redis command. */
	public Duration commandTimeout() {
		return this.commandTimeout;
	}

	public int breakerFailureThreshold() {
		return this.breakerFailureThreshold;
	}

	public Duration breakerOpenDuration() {
		return this.breakerOpenDuration;
	}

	/**
	 * How long a load lease lasts: a holder that takes longer (hung, dead) lets another
	 * load.
	 */
	public Duration leaseTimeout() {
		return this.leaseTimeout;
	}

	/** Longest time a miss waits for another caller's load before loading by itself. */
	public Duration leaseMaxWait() {
		return this.leaseMaxWait;
	}

	/** The XFetch parameter; {@code 0} turns early refresh off. */
	public double earlyRefreshBeta() {
		return this.earlyRefreshBeta;
	}

	public int refreshThreads() {
		return this.refreshThreads;
	}

	/**
	 * Number of threads making the Redis round trips of calls that return a future, so
	 * that their callers never wait on Redis.
	 */
	public int asyncThreads() {
		return this.asyncThreads;
	}

	/**
	 * Largest serialized value stored in Redis; larger ones are returned but not cached.
	 */
	public long maxValueBytes() {
		return this.maxValueBytes;
	}

	/** Longest time closing the store waits for queued invalidations to reach Redis. */
	public Duration shutdownTimeout() {
		return this.shutdownTimeout;
	}

	/**
	 * How many replicas must acknowledge an invalidation ({@code WAIT}) before it counts
	 * as done; {@code 0} not to wait. One that fewer acknowledge in time stays pending
	 * and is retried ([I12] in {@code docs/correctness.md}).
	 */
	public int replicaAcks() {
		return this.replicaAcks;
	}

	/** How long an invalidation waits for {@link #replicaAcks()} acknowledgements. */
	public Duration replicaAckTimeout() {
		return this.replicaAckTimeout;
	}

	/**
	 * How many slot groups the invalidation state is split into, or {@code 0} for the
	 * default: {@value #CLUSTER_SLOT_GROUPS} on a Redis Cluster, 1 otherwise.
	 */
	public int slotGroups() {
		return this.slotGroups;
	}

	/** Time source of the local tier, load durations and lease waits. */
	public Ticker ticker() {
		return this.ticker;
	}

	/** How lease waits pause; paired with {@link #ticker()}. */
	public Sleeper sleeper() {
		return this.sleeper;
	}

	/** Current time in milliseconds, for envelopes, staleness and early refresh. */
	public LongSupplier wallClock() {
		return this.wallClock;
	}

	/** Uniform numbers in [0, 1), for jitter and early refresh. */
	public DoubleSupplier random() {
		return this.random;
	}

	/** Builds {@link StoreOptions}, checking each value as it is set. */
	public static final class Builder {

		private long localMaximumSize = DEFAULT_LOCAL_MAXIMUM_SIZE;

		private Duration localMaxTtl = DEFAULT_LOCAL_MAX_TTL;

		private Duration localMaxUnconfirmed = DEFAULT_LOCAL_MAX_UNCONFIRMED;

		private Duration maxTtl = DEFAULT_MAX_TTL;

		private String keyPrefix = DEFAULT_KEY_PREFIX;

		private String namespace = DEFAULT_NAMESPACE;

		private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

		private int breakerFailureThreshold = DEFAULT_BREAKER_FAILURE_THRESHOLD;

		private Duration breakerOpenDuration = DEFAULT_BREAKER_OPEN_DURATION;

		private Duration leaseTimeout = DEFAULT_LEASE_TIMEOUT;

		private Duration leaseMaxWait = DEFAULT_LEASE_MAX_WAIT;

		private double earlyRefreshBeta = DEFAULT_EARLY_REFRESH_BETA;

		private int refreshThreads = DEFAULT_REFRESH_THREADS;

		private int asyncThreads = DEFAULT_ASYNC_THREADS;

		private long maxValueBytes = DEFAULT_MAX_VALUE_BYTES;

		private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

		private int replicaAcks = DEFAULT_REPLICA_ACKS;

		private Duration replicaAckTimeout = DEFAULT_REPLICA_ACK_TIMEOUT;

		private int slotGroups;

		private Ticker ticker = Ticker.systemTicker();

		private Sleeper sleeper = Sleeper.SYSTEM;

		private LongSupplier wallClock = System::currentTimeMillis;

		private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

		private Builder() {
		}

		private Builder(StoreOptions options) {
			this.localMaximumSize = options.localMaximumSize;
			this.localMaxTtl = options.localMaxTtl;
			this.localMaxUnconfirmed = options.localMaxUnconfirmed;
			this.maxTtl = options.maxTtl;
			this.keyPrefix = options.keyPrefix;
			this.namespace = options.namespace;
			this.commandTimeout = options.commandTimeout;
			this.breakerFailureThreshold = options.breakerFailureThreshold;
			this.breakerOpenDuration = options.breakerOpenDuration;
			this.leaseTimeout = options.leaseTimeout;
			this.leaseMaxWait = options.leaseMaxWait;
			this.earlyRefreshBeta = options.earlyRefreshBeta;
			this.refreshThreads = options.refreshThreads;
			this.asyncThreads = options.asyncThreads;
			this.maxValueBytes = options.maxValueBytes;
			this.shutdownTimeout = options.shutdownTimeout;
			this.replicaAcks = options.replicaAcks;
			this.replicaAckTimeout = options.replicaAckTimeout;
			this.slotGroups = options.slotGroups;
			this.ticker = options.ticker;
			this.sleeper = options.sleeper;
			this.wallClock = options.wallClock;
			this.random = options.random;
		}

		public Builder localMaximumSize(long localMaximumSize) {
			requireArgument(localMaximumSize >= 0, "localMaximumSize", localMaximumSize, "must not be negative");
			this.localMaximumSize = localMaximumSize;
			return this;
		}

		public Builder localMaxTtl(Duration localMaxTtl) {
			this.localMaxTtl = positive("localMaxTtl", localMaxTtl);
			return this;
		}

		public Builder localMaxUnconfirmed(Duration localMaxUnconfirmed) {
			this.localMaxUnconfirmed = positive("localMaxUnconfirmed", localMaxUnconfirmed);
			return this;
		}

		public Builder maxTtl(Duration maxTtl) {
			this.maxTtl = positive("maxTtl", maxTtl);
			return this;
		}

		public Builder keyPrefix(String keyPrefix) {
			this.keyPrefix = notBlank("keyPrefix", keyPrefix);
			return this;
		}

		public Builder namespace(String namespace) {
			this.namespace = notBlank("namespace", namespace);
			return this;
		}

		public Builder commandTimeout(Duration commandTimeout) {
			this.commandTimeout = positive("commandTimeout", commandTimeout);
			return this;
		}

		public Builder breaker(int failureThreshold, Duration openDuration) {
			requireArgument(failureThreshold >= 1, "breakerFailureThreshold", failureThreshold, "must be at least 1");
			this.breakerFailureThreshold = failureThreshold;
			this.breakerOpenDuration = positive("breakerOpenDuration", openDuration);
			return this;
		}

		public Builder lease(Duration timeout, Duration maxWait) {
			this.leaseTimeout = positive("leaseTimeout", timeout);
			this.leaseMaxWait = positive("leaseMaxWait", maxWait);
			return this;
		}

		public Builder earlyRefreshBeta(double beta) {
			requireArgument(beta >= 0, "earlyRefreshBeta", beta, "must be zero (off) or positive");
			this.earlyRefreshBeta = beta;
			return this;
		}

		public Builder refreshThreads(int threads) {
			requireArgument(threads >= 1, "refreshThreads", threads, "must be at least 1");
			this.refreshThreads = threads;
			return this;
		}

		public Builder asyncThreads(int threads) {
			requireArgument(threads >= 1, "asyncThreads", threads, "must be at least 1");
			this.asyncThreads = threads;
			return this;
		}

		public Builder maxValueBytes(long maxValueBytes) {
			requireArgument(maxValueBytes >= 1, "maxValueBytes", maxValueBytes, "must be positive");
			this.maxValueBytes = maxValueBytes;
			return this;
		}

		public Builder shutdownTimeout(Duration shutdownTimeout) {
			required("shutdownTimeout", shutdownTimeout);
			requireArgument(!shutdownTimeout.isNegative(), "shutdownTimeout", shutdownTimeout, "must not be negative");
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * Wait for replicas to acknowledge each invalidation.
		 * @param acks how many must acknowledge it, {@code 0} not to wait
		 * @param timeout how long to wait for them; positive when {@code acks} is
		 * (Redis's {@code WAIT} with no timeout waits for ever)
		 * @return this builder
		 */
		public Builder replicaAcks(int acks, Duration timeout) {
			requireArgument(acks >= 0, "replicaAcks", acks, "must be zero (do not wait) or more");
			required("replicaAckTimeout", timeout);
			requireArgument(!timeout.isNegative() && (acks == 0 || !timeout.isZero()), "replicaAckTimeout", timeout,
					"must be positive when replicaAcks is " + acks);
			this.replicaAcks = acks;
			this.replicaAckTimeout = timeout;
			return this;
		}

		/**
		 * Split the invalidation state into slot groups, so that a Redis Cluster's
		 * masters share it; every process of a namespace must use the same count.
		 * @param groups how many, from 1 to {@link RedisKeys#MAX_GROUPS}, or {@code 0}
		 * for the default ({@value #CLUSTER_SLOT_GROUPS} on a Redis Cluster, 1 otherwise)
		 * @return this builder
		 */
		public Builder slotGroups(int groups) {
			requireArgument(groups >= 0 && groups <= RedisKeys.MAX_GROUPS, "slotGroups", groups,
					"must be between 1 and " + RedisKeys.MAX_GROUPS + ", or 0 for the default");
			this.slotGroups = groups;
			return this;
		}

		/**
		 * The time source and how to pause on it; tests pass a fake pair.
		 * @param ticker the time source of the local tier, load durations and lease waits
		 * @param sleeper how a lease wait pauses
		 * @return this builder
		 */
		public Builder time(Ticker ticker, Sleeper sleeper) {
			this.ticker = required("ticker", ticker);
			this.sleeper = required("sleeper", sleeper);
			return this;
		}

		public Builder wallClock(LongSupplier wallClock) {
			this.wallClock = required("wallClock", wallClock);
			return this;
		}

		public Builder random(DoubleSupplier random) {
			this.random = required("random", random);
			return this;
		}

		public StoreOptions build() {
			return new StoreOptions(this);
		}

		private static Duration positive(String name, Duration value) {
			required(name, value);
			requireArgument(!value.isZero() && !value.isNegative(), name, value, "must be positive");
			return value;
		}

		private static String notBlank(String name, String value) {
			required(name, value);
			requireArgument(!value.isBlank(), name, "'" + value + "'", "must not be blank");
			return value;
		}

		private static <T> T required(String name, T value) {
			if (value == null) {
				throw new NullPointerException(name + " must not be null");
			}
			return value;
		}

		private static void requireArgument(boolean valid, String name, Object value, String problem) {
			if (!valid) {
				throw new IllegalArgumentException(name + " " + value + " " + problem);
			}
		}

	}

}
