package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tiercache.store.StoreOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of tiercache.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("tiercache")
public class TierCacheProperties {

	static final String APPLICATION_NAME = "spring.application.name";

	/**
	 * Whether to enable tiercache. When disabled, annotated methods run uncached.
	 */
	private boolean enabled = true;

	/**
	 * Namespace of every key and channel: applications with the same one share entries
	 * and invalidations. Defaults to spring.application.name when it is set, otherwise
	 * "v1". Bump it after changing the shape of cached values to cut over to a fresh
	 * keyspace without a flush.
	 */
	private @Nullable String namespace;

	/**
	 * Time to live of entries whose annotation sets none.
	 */
	private Duration defaultTtl = Duration.ofHours(1);

	/**
	 * Jitter of entries whose annotation sets none: a duration or a percentage of the
	 * time to live, such as "10%". Empty for none.
	 */
	private String defaultJitter = "";

	/**
	 * Longest time to live any entry may have. Invalidated tags are remembered in Redis
	 * this long, so an annotation asking for more fails at startup.
	 */
	private Duration maxTtl = StoreOptions.DEFAULT_MAX_TTL;

	/**
	 * Longest time closing the application waits for invalidations that have not reached
	 * Redis yet (during an outage). Each one still unpublished then is logged as an error
	 * with its tags and counted.
	 */
	private Duration shutdownTimeout = StoreOptions.DEFAULT_SHUTDOWN_TIMEOUT;

	private final Local local = new Local();

	private final Redis redis = new Redis();

	private final Fanout fanout = new Fanout();

	private final Lease lease = new Lease();

	private final Refresh refresh = new Refresh();

	private final SpringCache springCache = new SpringCache();

	private final Outbox outbox = new Outbox();

	/**
	 * Per-cache settings, by cache name (such as products, or PriceService.quote for the
	 * default SimpleClassName.method), that win over annotation attributes. A name with
	 * dots is written either way: tiercache.caches.PriceService.quote.ttl or
	 * tiercache.caches[PriceService.quote].ttl.
	 */
	private final Map<String, CacheSpec> caches = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(@Nullable String namespace) {
		this.namespace = namespace;
	}

	/**
	 * The namespace in use: {@code tiercache.namespace} if set, otherwise
	 * {@code spring.application.name} if set, otherwise {@code v1}.
	 * @param environment the environment holding {@code spring.application.name}, or
	 * {@code null} if there is none
	 * @return the namespace, not checked
	 */
	String resolveNamespace(@Nullable Environment environment) {
		if (this.namespace != null) {
			return this.namespace;
		}
		String applicationName = applicationName(environment);
		return (applicationName != null) ? applicationName : StoreOptions.DEFAULT_NAMESPACE;
	}

	static @Nullable String applicationName(@Nullable Environment environment) {
		String name = (environment != null) ? environment.getProperty(APPLICATION_NAME) : null;
		return StringUtils.hasText(name) ? name : null;
	}

	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(Duration defaultTtl) {
		this.defaultTtl = defaultTtl;
	}

	public String getDefaultJitter() {
		return this.defaultJitter;
	}

	public void setDefaultJitter(String defaultJitter) {
		this.defaultJitter = defaultJitter;
	}

	public Duration getMaxTtl() {
		return this.maxTtl;
	}

	public void setMaxTtl(Duration maxTtl) {
		this.maxTtl = maxTtl;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Local getLocal() {
		return this.local;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Fanout getFanout() {
		return this.fanout;
	}

	public Lease getLease() {
		return this.lease;
	}

	public Refresh getRefresh() {
		return this.refresh;
	}

	public Map<String, CacheSpec> getCaches() {
		return this.caches;
	}

	public SpringCache getSpringCache() {
		return this.springCache;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	/**
	 * The outbox: invalidations made inside a transaction are also written to a table in
	 * that transaction, and a relay in every instance publishes those whose writer could
	 * not, so that no invalidation of a committed change is lost.
	 */
	public static class Outbox {

		/**
		 * Whether to write every invalidation made inside a transaction to the outbox
		 * table, in that transaction, and to relay from this instance the rows whose
		 * writer did not publish them. Needs a DataSource and a transaction manager.
		 */
		private boolean enabled;

		/**
		 * Name of the outbox table, an unquoted SQL identifier.
		 */
		private String tableName = "TIERCACHE_OUTBOX";

		/**
		 * When to create the outbox table from the script of the database's platform: for
		 * an embedded database only, always, or never (with the script in your own
		 * migrations).
		 */
		private InitializeSchema initializeSchema = InitializeSchema.EMBEDDED;

		/**
		 * Platform of the schema script, the "postgresql" of "schema-postgresql.sql"
		 * ("postgresql", "mysql" for MySQL and MariaDB, "h2"). Detected from the
		 * DataSource when not set.
		 */
		private @Nullable String platform;

		/**
		 * How long after its transaction wrote it a row not yet marked published is
		 * published by a relay: longer than a writer takes to publish and mark it.
		 * Bounds, with the poll interval, how late an invalidation its writer could not
		 * publish arrives.
		 */
		private Duration relayDelay = Duration.ofSeconds(2);

		/**
		 * How often each instance's relay looks for rows to publish and marks the ones it
		 * published.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * How long published rows are kept before they are deleted.
		 */
		private Duration retention = Duration.ofHours(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getTableName() {
			return this.tableName;
		}

		public void setTableName(String tableName) {
			this.tableName = tableName;
		}

		public InitializeSchema getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(InitializeSchema initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public @Nullable String getPlatform() {
			return this.platform;
		}

		public void setPlatform(@Nullable String platform) {
			this.platform = platform;
		}

		public Duration getRelayDelay() {
			return this.relayDelay;
		}

		public void setRelayDelay(Duration relayDelay) {
			this.relayDelay = relayDelay;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		/**
		 * When the outbox table is created, as with Spring Boot's other schemas (Spring
		 * Session JDBC's, for one).
		 */
		public enum InitializeSchema {

			/** Always create it (the script does nothing if the table exists). */
			ALWAYS,

			/** Only for an embedded database, such as H2 in memory. */
			EMBEDDED,

			/** Never: the table comes from the application's own migrations. */
			NEVER

		}

	}

	/**
	 * The Spring Cache bridge: a CacheManager whose caches are tiercache caches.
	 */
	public static class SpringCache {

		/**
		 * Whether to provide a Spring CacheManager over tiercache, so that @Cacheable,
		 * @CachePut and @CacheEvict use both tiers and evict on every instance. Backs off
		 * when the application defines its own CacheManager.
		 */
		private boolean enabled;

		/**
		 * Whether to cache null values.
		 */
		private boolean allowNullValues = true;

		/**
		 * Packages whose classes cached values may be made of, besides java.lang,
		 * java.util, java.time and java.math; sub-packages included. Values are
		 * Java-serialized, and reading any other class from Redis is refused. Empty for
		 * the application's own packages (those of its @SpringBootApplication class).
		 */
		private List<String> trustedPackages = new ArrayList<>();

		/**
		 * Types the values of a cache are of, by cache name, such as
		 * tiercache.spring-cache.value-types.products=com.acme.Product. A value of
		 * another class read from Redis is removed and is a miss, instead of reaching the
		 * caller as a ClassCastException. Caches not listed take any trusted class.
		 */
		private Map<String, List<Class<?>>> valueTypes = new LinkedHashMap<>();

		public Map<String, List<Class<?>>> getValueTypes() {
			return this.valueTypes;
		}

		public void setValueTypes(Map<String, List<Class<?>>> valueTypes) {
			this.valueTypes = valueTypes;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isAllowNullValues() {
			return this.allowNullValues;
		}

		public void setAllowNullValues(boolean allowNullValues) {
			this.allowNullValues = allowNullValues;
		}

		public List<String> getTrustedPackages() {
			return this.trustedPackages;
		}

		public void setTrustedPackages(List<String> trustedPackages) {
			this.trustedPackages = trustedPackages;
		}

	}

	/**
	 * The local (Caffeine) tier.
	 */
	public static class Local {

		/**
		 * Maximum number of entries in the local tier of each cache.
		 */
		private long maximumSize = StoreOptions.DEFAULT_LOCAL_MAXIMUM_SIZE;

		/**
		 * Longest time an entry stays in a local tier, whatever its own time to live: the
		 * last safety net should an invalidation message be lost unnoticed.
		 */
		private Duration maxTtl = StoreOptions.DEFAULT_LOCAL_MAX_TTL;

		/**
		 * Longest time the local tier is served after this process last confirmed that it
		 * had applied every invalidation Redis had published (each periodic check
		 * confirms it). Past it, after a pause of the process (a long GC, SIGSTOP, a
		 * frozen container or VM) or while checks fail, calls are answered from Redis
		 * until a check confirms again. Must be longer than
		 * tiercache.fanout.check-interval, or trust would lapse between two checks; twice
		 * it lets one check be late.
		 */
		private Duration maxUnconfirmed = StoreOptions.DEFAULT_LOCAL_MAX_UNCONFIRMED;

		public long getMaximumSize() {
			return this.maximumSize;
		}

		public void setMaximumSize(long maximumSize) {
			this.maximumSize = maximumSize;
		}

		public Duration getMaxTtl() {
			return this.maxTtl;
		}

		public void setMaxTtl(Duration maxTtl) {
			this.maxTtl = maxTtl;
		}

		public Duration getMaxUnconfirmed() {
			return this.maxUnconfirmed;
		}

		public void setMaxUnconfirmed(Duration maxUnconfirmed) {
			this.maxUnconfirmed = maxUnconfirmed;
		}

	}

	/**
	 * The shared (Redis) tier. The connection itself is Spring Boot's
	 * ({@code spring.data.redis.*}).
	 */
	public static class Redis {

		/**
		 * Prefix of every key and channel.
		 */
		private String keyPrefix = StoreOptions.DEFAULT_KEY_PREFIX;

		/**
		 * How long tiercache waits for Redis before calling the method uncached, whatever
		 * "spring.data.redis.timeout" says.
		 */
		private Duration commandTimeout = StoreOptions.DEFAULT_COMMAND_TIMEOUT;

		/**
		 * Largest serialized value stored in Redis. A larger result is returned to the
		 * caller but not cached, and counted; a larger entry found in Redis (plus room
		 * for its header and tags) is removed unread and is a miss.
		 */
		private DataSize maxValueSize = DataSize.ofBytes(StoreOptions.DEFAULT_MAX_VALUE_BYTES);

		/**
		 * Number of replicas that must acknowledge each invalidation (Redis's WAIT)
		 * before it counts as done. One acknowledged by fewer within
		 * tiercache.redis.replica-ack-timeout stays pending (this instance serves nothing
		 * it invalidates) and is retried, so that a failover to a replica never loses it.
		 * 0 does not wait: a failover may then lose the last invalidations, which the
		 * server incarnation check turns into misses. See docs/correctness.md for which
		 * persistence and replication settings give which guarantee.
		 */
		private int replicaAcks = StoreOptions.DEFAULT_REPLICA_ACKS;

		/**
		 * Longest time an invalidation waits for tiercache.redis.replica-acks replicas to
		 * acknowledge it. Must be positive when replica-acks is.
		 */
		private Duration replicaAckTimeout = StoreOptions.DEFAULT_REPLICA_ACK_TIMEOUT;

		/**
		 * Number of slot groups the invalidation state (sequence, tag records and
		 * channel) is split into, so that a Redis Cluster's masters share it; each entry
		 * then hashes by its own key. Unset: 128 on a Redis Cluster (spread within 2% of
		 * even over three masters, enough for a few dozen), 1 on a single server or
		 * Sentinel (everything in one slot). Every instance of a namespace must use the
		 * same count: change it together with tiercache.namespace.
		 */
		private @Nullable Integer slotGroups;

		/**
		 * Number of threads making the Redis round trips of cached methods that return a
		 * CompletableFuture (and the store after the method's future completes), so that
		 * the caller gets its future at once and the thread completing the method's
		 * future never waits on Redis. Beyond what they and a queue of 1000 calls can
		 * take, a call makes its round trips on the caller's thread (logged once a
		 * minute).
		 */
		private int asyncThreads = StoreOptions.DEFAULT_ASYNC_THREADS;

		private final Breaker breaker = new Breaker();

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

		public DataSize getMaxValueSize() {
			return this.maxValueSize;
		}

		public void setMaxValueSize(DataSize maxValueSize) {
			this.maxValueSize = maxValueSize;
		}

		public int getReplicaAcks() {
			return this.replicaAcks;
		}

		public void setReplicaAcks(int replicaAcks) {
			this.replicaAcks = replicaAcks;
		}

		public Duration getReplicaAckTimeout() {
			return this.replicaAckTimeout;
		}

		public void setReplicaAckTimeout(Duration replicaAckTimeout) {
			this.replicaAckTimeout = replicaAckTimeout;
		}

		public @Nullable Integer getSlotGroups() {
			return this.slotGroups;
		}

		public void setSlotGroups(@Nullable Integer slotGroups) {
			this.slotGroups = slotGroups;
		}

		public int getAsyncThreads() {
			return this.asyncThreads;
		}

		public void setAsyncThreads(int asyncThreads) {
			this.asyncThreads = asyncThreads;
		}

		public Breaker getBreaker() {
			return this.breaker;
		}

	}

	/**
	 * The load lease that makes one process load a missing key while the others wait for
	 * its entry.
	 */
	public static class Lease {

		/**
		 * How long a lease lasts. A process that loads for longer (hung, or dead) lets
		 * one of the waiting processes take over. Longer than the slowest normal load.
		 */
		private Duration timeout = StoreOptions.DEFAULT_LEASE_TIMEOUT;

		/**
		 * Longest time a miss waits for another caller's load, in this process or
		 * another, before calling the method itself.
		 */
		private Duration maxWait = StoreOptions.DEFAULT_LEASE_MAX_WAIT;

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

	/**
	 * Background refreshes: stale-while-revalidate and early refresh.
	 */
	public static class Refresh {

		/**
		 * XFetch parameter of early refresh: reads refresh an entry before it expires
		 * with a probability that grows with its last load time times this. Higher
		 * refreshes earlier; 0 turns early refresh off.
		 */
		private double beta = StoreOptions.DEFAULT_EARLY_REFRESH_BETA;

		/**
		 * Number of threads running background refreshes. Refreshes beyond what they and
		 * a queue of 1000 can take are skipped (the entry is refreshed by a later read).
		 */
		private int threads = StoreOptions.DEFAULT_REFRESH_THREADS;

		public double getBeta() {
			return this.beta;
		}

		public void setBeta(double beta) {
			this.beta = beta;
		}

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

	}

	/**
	 * The invalidation channel that keeps every process's local tier coherent.
	 */
	public static class Fanout {

		/**
		 * How often to check that invalidation messages still arrive (a cheap read of the
		 * sequence in Redis), which also confirms the local tier. A stalled subscription
		 * is noticed within about twice this. Shorter than
		 * tiercache.local.max-unconfirmed.
		 */
		private Duration checkInterval = Duration.ofMillis(500);

		/**
		 * How long startup waits for the subscription to be confirmed. The local tier is
		 * not used before it is.
		 */
		private Duration subscribeTimeout = Duration.ofSeconds(5);

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

		public Duration getSubscribeTimeout() {
			return this.subscribeTimeout;
		}

		public void setSubscribeTimeout(Duration subscribeTimeout) {
			this.subscribeTimeout = subscribeTimeout;
		}

	}

	/**
	 * Circuit breaker that stops paying the command timeout on every call while Redis is
	 * down.
	 */
	public static class Breaker {

		/**
		 * Number of consecutive Redis failures that open the breaker.
		 */
		private int failureThreshold = StoreOptions.DEFAULT_BREAKER_FAILURE_THRESHOLD;

		/**
		 * How long the breaker stays open before letting a call try Redis again.
		 */
		private Duration openDuration = StoreOptions.DEFAULT_BREAKER_OPEN_DURATION;

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getOpenDuration() {
			return this.openDuration;
		}

		public void setOpenDuration(Duration openDuration) {
			this.openDuration = openDuration;
		}

	}

	/**
	 * Settings of one cache, {@code tiercache.caches.<name>.*}; each one left unset keeps
	 * the cache's own: its annotation's, otherwise the default. The additional metadata
	 * describes each one as {@code tiercache.caches.*.<setting>}: keep it in step.
	 */
	public static class CacheSpec {

		/**
		 * Time to live of the cache's entries, at most tiercache.max-ttl. Unset, the
		 * annotation's, otherwise tiercache.default-ttl.
		 */
		private @Nullable Duration ttl;

		/**
		 * Jitter of the cache's entries, the most taken off the time to live of each: a
		 * duration such as "30s" or a percentage of it such as "10%". Empty for none.
		 * Unset, the annotation's, otherwise tiercache.default-jitter.
		 */
		private @Nullable String jitter;

		/**
		 * Time to live of absent values (null or empty Optional). Zero not to cache them.
		 * Unset, the annotation's, otherwise they are not cached.
		 */
		private @Nullable Duration nullTtl;

		/**
		 * How long after its time to live an entry may still be served while one
		 * background refresh runs. Zero for never. Unset, the annotation's, otherwise
		 * never.
		 */
		private @Nullable Duration staleWhileRevalidate;

		/**
		 * Whether to keep entries in the local tier as well as in Redis. Unset, the
		 * annotation's, otherwise true.
		 */
		private @Nullable Boolean local;

		/**
		 * Whether to use the cache at all. When disabled, calls go straight to the
		 * method.
		 */
		private @Nullable Boolean enabled;

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable String getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable String jitter) {
			this.jitter = jitter;
		}

		public @Nullable Duration getNullTtl() {
			return this.nullTtl;
		}

		public void setNullTtl(@Nullable Duration nullTtl) {
			this.nullTtl = nullTtl;
		}

		public @Nullable Duration getStaleWhileRevalidate() {
			return this.staleWhileRevalidate;
		}

		public void setStaleWhileRevalidate(@Nullable Duration staleWhileRevalidate) {
			this.staleWhileRevalidate = staleWhileRevalidate;
		}

		public @Nullable Boolean getLocal() {
			return this.local;
		}

		public void setLocal(@Nullable Boolean local) {
			this.local = local;
		}

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

	}

}
