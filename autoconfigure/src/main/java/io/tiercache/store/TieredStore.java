package io.tiercache.store;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

import io.tiercache.redis.CircuitBreaker;
import io.tiercache.redis.LayoutCheck;
import io.tiercache.redis.RedisKeys;
import io.tiercache.redis.RedisScriptRunner;
import io.tiercache.redis.RedisTier;
import io.tiercache.store.LocalTrust.ClearReason;
import io.tiercache.store.LocalTrust.DistrustCause;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The caches of one process, over one Redis: their registry, tag invalidation
 * ({@link #invalidate}, read-your-writes), and the local trust state they share. Built
 * with {@link #builder(RedisConnectionFactory)}, the one wiring of tiercache, used by the
 * auto-configuration and by tests alike.
 * <p>
 * While Redis is unreachable (the circuit breaker is open) the local tier is bypassed,
 * since invalidations made elsewhere cannot be heard, and it is cleared before it serves
 * again ([I10] in {@code docs/correctness.md}).
 * <p>
 * With an {@link InvalidationOutbox}, an invalidation made inside a transaction
 * ({@link #invalidateOnCommit}) is also written in that transaction, so that it reaches
 * Redis even if this process cannot publish it after the commit.
 *
 * @since 0.1.0
 */
public final class TieredStore {

	private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);

	/**
	 * Room for an envelope's header and tags beyond {@link StoreOptions#maxValueBytes()}.
	 */
	static final long ENVELOPE_ALLOWANCE = 64 * 1024;

	private final StoreContext context;

	private final ValueCodec codec;

	private final StoreObserver observer;

	private final TagInvalidations invalidations;

	private final InvalidationOutbox outbox;

	private final Map<String, Registration> caches = new ConcurrentHashMap<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final ThrottledLog refusals = new ThrottledLog(logger, System::nanoTime);

	private TieredStore(RedisTier redis, ValueCodec codec, StoreOptions options, StoreObserver observer,
			StoreErrorHandler errorHandler, InvalidationOutbox outbox) {
		RedisKeys keys = redis.keys();
		LocalTrust trust = new LocalTrust(new TagTable(keys.groups(), keys::group), options.ticker(),
				options.localMaxUnconfirmed());
		redis.setStateListener(
				(state) -> trust.observe(state.group(), LocalTrust.SequenceMark.NONE, state.epoch(), state.seq()));
		RedisCalls calls = new RedisCalls(redis, errorHandler, observer);
		this.context = new StoreContext(calls, trust, errorHandler, options,
				new BackgroundRefresher(options.refreshThreads()), new AsyncCalls(options.asyncThreads()));
		this.codec = codec;
		this.observer = observer;
		this.invalidations = new TagInvalidations(calls, trust, observer);
		this.outbox = outbox;
		trust.addClearListener(this::clearLocal);
		trust.addRollbackListener((group, seen, found) -> {
			logger.warn("Redis's invalidation sequence went back from {} to {} in epoch {} (a failover to a replica "
					+ "that missed writes, or a restart from an older snapshot): starting a new epoch, every local "
					+ "tier is cleared", seen.seq(), found, seen.epoch());
			RedisTier.Sequence restarted = calls.restartEpoch(group, Objects.requireNonNull(seen.epoch()), seen.seq());
			if (restarted != null) {
				trust.observeEpoch(group, restarted.epoch());
			}
			else {
				// Redis is unreachable: the breaker withdraws trust; until a new epoch,
				// nothing
				// it serves is kept locally.
				trust.clear(ClearReason.EPOCH);
			}
		});
		redis.breaker().addStateListener((from, to) -> {
			if (to == CircuitBreaker.State.OPEN && from == CircuitBreaker.State.CLOSED) {
				trust.distrust(DistrustCause.REDIS_UNREACHABLE);
			}
			else if (to == CircuitBreaker.State.CLOSED) {
				trust.restoreTrust(DistrustCause.REDIS_UNREACHABLE);
				this.invalidations.retrySoon();
			}
		});
		// Redis answering again (after a dropped connection, say) is the moment to retry,
		// not the end of the backoff: until then Redis still holds what was invalidated.
		redis.breaker().addSuccessListener(this.invalidations::retrySoon);
	}

	/**
	 * Start building a store over a connection factory.
	 * @param connectionFactory the application's Redis connections (Lettuce)
	 * @return the builder
	 */
	public static Builder builder(RedisConnectionFactory connectionFactory) {
		return new Builder(connectionFactory);
	}

	/**
	 * The cache with the given settings, created on first use, whose keys are of any type
	 * ({@link KeyRenderer#dynamic()}) and whose values use the store's codec. A name is
	 * bound to one value type, one key renderer and one set of settings.
	 * @param settings the settings
	 * @param valueType the declared type of its values
	 * @return the cache
	 * @throws IllegalStateException if the name is already bound otherwise
	 */
	public TieredCache cache(CacheSettings settings, Type valueType) {
		return cache(settings, valueType, KeyRenderer.dynamic(), this.codec);
	}

	/**
	 * The cache with the given settings and key renderer, created on first use.
	 * @param settings the settings
	 * @param valueType the declared type of its values
	 * @param keys renders its keys
	 * @return the cache
	 * @throws IllegalStateException if the name is already bound otherwise
	 */
	public TieredCache cache(CacheSettings settings, Type valueType, KeyRenderer keys) {
		return cache(settings, valueType, keys, this.codec);
	}

	/**
	 * The cache with the given settings, key renderer and codec, created on first use.
	 * @param settings the settings
	 * @param valueType the declared type of its values
	 * @param keys renders its keys
	 * @param codec the codec of its values
	 * @return the cache
	 * @throws IllegalStateException if the name is already bound to another value type or
	 * key renderer
	 */
	public TieredCache cache(CacheSettings settings, Type valueType, KeyRenderer keys, ValueCodec codec) {
		Registration registration = this.caches.computeIfAbsent(settings.name(),
				(name) -> new Registration(valueType, keys, createCache(settings, valueType, keys, codec)));
		if (!registration.valueType.equals(valueType)) {
			throw new IllegalStateException("Cache '" + settings.name() + "' holds values of type "
					+ registration.valueType.getTypeName() + ", not " + valueType.getTypeName());
		}
		if (!registration.keys.equals(keys)) {
			// Keys rendered two ways could share an entry: one cache, one kind of key.
			throw new IllegalStateException("Cache '" + settings.name() + "' is used with keys of two kinds");
		}
		return registration.cache;
	}

	/**
	 * The caches created so far.
	 * @return the caches by name
	 */
	public Map<String, TieredCache> caches() {
		Map<String, TieredCache> result = new TreeMap<>();
		this.caches.forEach((name, registration) -> result.put(name, registration.cache));
		return result;
	}

	private TieredCache createCache(CacheSettings settings, Type valueType, KeyRenderer keys, ValueCodec codec) {
		CacheObserver cacheObserver = this.observer.cache(settings.name());
		LocalTier local = settings.local()
				? LocalTier.create(this.context.options(), this.context.trust(), cacheObserver) : LocalTier.disabled();
		TieredCache cache = new TieredCache(settings, this.context, keys, codec.bind(valueType), local, cacheObserver);
		this.observer.cacheCreated(cache);
		return cache;
	}

	/**
	 * Invalidate tags everywhere. Never throws: a failure is reported, counted and
	 * retried; a tag Redis cannot hold as it is, which no entry carries, is refused,
	 * reported and counted ({@link RedisText}).
	 * @param tags the tags; {@code null}s and duplicates are ignored
	 */
	public void invalidate(Collection<String> tags) {
		this.invalidations.invalidate(storable(tags));
	}

	/**
	 * Invalidate tags everywhere once the transaction active on the calling thread
	 * commits, having written them to the outbox in that transaction: if this process
	 * cannot publish them after the commit, a relay will. Called inside the transaction,
	 * before it commits.
	 * @param tags the tags; {@code null}s and duplicates are ignored
	 * @return whether they were written; {@code false} without an outbox or outside a
	 * transaction, in which case nothing was done and the caller invalidates as it would
	 * without an outbox
	 * @throws RuntimeException if the outbox could not write them, so that the
	 * transaction does not commit a change whose invalidation could be lost
	 */
	public boolean invalidateOnCommit(Collection<String> tags) {
		if (this.outbox == InvalidationOutbox.NONE) {
			return false;
		}
		List<String> distinct = storable(tags);
		if (distinct.isEmpty()) {
			return false;
		}
		return this.outbox.write(distinct, (written) -> this.invalidations.invalidate(distinct, written::published));
	}

	/**
	 * Publish, once, an invalidation that some process wrote to the outbox and has not
	 * marked published; for the outbox's relay.
	 * @param tags the tags, distinct and not empty
	 * @return whether it reached Redis; if not, the row stays for a later attempt
	 */
	public boolean relay(List<String> tags) {
		List<String> storable = storable(tags);
		// A row of nothing but refused tags is done: no entry carries them.
		return storable.isEmpty() || this.invalidations.relay(storable);
	}

	/**
	 * The tags without {@code null}s and duplicates, and without those Redis cannot hold
	 * as they are, each of which is reported and counted. Refusing them leaves nothing
	 * stale: caching refuses every entry that would carry one ({@link RedisText}).
	 */
	private List<String> storable(Collection<String> tags) {
		// A cache's own tag reaches every shard of it that entries carry
		List<String> distinct = TagInvalidations
			.distinct(CacheTagShards.expand(TagInvalidations.distinct(tags), this.context.trust().groups()));
		List<String> storable = null;
		for (int i = 0; i < distinct.size(); i++) {
			String tag = distinct.get(i);
			String refusal = RedisText.tagRefusal(tag);
			if (refusal == null) {
				if (storable != null) {
					storable.add(tag);
				}
				continue;
			}
			if (storable == null) {
				storable = new ArrayList<>(distinct.subList(0, i));
			}
			this.observer.invalidationTagRefused();
			this.refusals.log(Level.WARN, "refused-tag",
					"Refused to invalidate the tag " + RedisText.excerpt(tag) + ", which " + refusal
							+ "; no entry carries it, since caching refuses it too",
					new IllegalArgumentException(refusal));
		}
		return (storable != null) ? storable : distinct;
	}

	/** Whether invalidations made inside a transaction are written to an outbox. */
	public boolean hasOutbox() {
		return this.outbox != InvalidationOutbox.NONE;
	}

	/** Drop the local tier of every cache, in this process only. */
	public void clearLocal() {
		this.context.trust().clear(ClearReason.MANUAL);
	}

	private void clearLocal(ClearReason reason) {
		this.observer.localCleared(reason);
		for (Registration registration : this.caches.values()) {
			registration.cache.clearLocal();
		}
	}

	/** Number of invalidations waiting for Redis. */
	public int pendingInvalidations() {
		return this.invalidations.size();
	}

	/** This process's local trust state, which the fan-out keeps up to date. */
	public LocalTrust trust() {
		return this.context.trust();
	}

	/** The shared tier. */
	public RedisTier redis() {
		return this.context.redis().tier();
	}

	/**
	 * The check that this process splits the invalidation state as its namespace's other
	 * processes do; while it finds otherwise, the store caches nothing.
	 * @return the check
	 */
	public LayoutCheck layout() {
		return this.context.redis().layout();
	}

	/** The options the store was built with. */
	public StoreOptions options() {
		return this.context.options();
	}

	/** The codec of values of caches declared without one of their own. */
	public ValueCodec codec() {
		return this.codec;
	}

	/** Where failures on tiercache's side are reported. */
	public StoreErrorHandler errorHandler() {
		return this.context.errorHandler();
	}

	/**
	 * Stop refreshing, and publish what invalidations are still queued for at most
	 * {@link StoreOptions#shutdownTimeout()}; each one that cannot be published is logged
	 * as an error with its tags and counted. Called on shutdown; once is enough, later
	 * calls do nothing.
	 */
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.context.refresher().close();
		this.context.asyncCalls().close();
		this.invalidations.close(this.context.options().shutdownTimeout());
		this.context.redis().tier().close();
	}

	static ThreadFactory daemonThreads(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	@Override
	public String toString() {
		return "TieredStore[" + this.context.redis().keys().base() + ", " + this.caches.size() + " caches]";
	}

	private record Registration(Type valueType, KeyRenderer keys, TieredCache cache) {
	}

	/**
	 * Builds a {@link TieredStore}: the Redis tier, the codec, the key renderer and the
	 * rest.
	 */
	public static final class Builder {

		private final RedisConnectionFactory connectionFactory;

		private StoreOptions options = StoreOptions.defaults();

		private @Nullable ObjectMapper mapper;

		private @Nullable ValueCodec codec;

		private StoreObserver observer = StoreObserver.NONE;

		private @Nullable StoreErrorHandler errorHandler;

		private @Nullable String instanceId;

		private InvalidationOutbox outbox = InvalidationOutbox.NONE;

		private Builder(RedisConnectionFactory connectionFactory) {
			this.connectionFactory = connectionFactory;
		}

		public Builder options(StoreOptions options) {
			this.options = options;
			return this;
		}

		/**
		 * The JSON mapper of values, unless {@link #codec} says otherwise.
		 * @param mapper the application's mapper
		 * @return this builder
		 */
		public Builder mapper(ObjectMapper mapper) {
			this.mapper = mapper;
			return this;
		}

		/**
		 * The codec of values; by default JSON through {@link #mapper}.
		 * @param codec the codec
		 * @return this builder
		 */
		public Builder codec(ValueCodec codec) {
			this.codec = codec;
			return this;
		}

		public Builder observer(StoreObserver observer) {
			this.observer = observer;
			return this;
		}

		/**
		 * Where failures are reported; a {@link LoggingStoreErrorHandler} by default.
		 * @param errorHandler the handler
		 * @return this builder
		 */
		public Builder errorHandler(StoreErrorHandler errorHandler) {
			this.errorHandler = errorHandler;
			return this;
		}

		/**
		 * This process's id, carried by its invalidation messages; random by default.
		 * @param instanceId the id
		 * @return this builder
		 */
		public Builder instanceId(String instanceId) {
			this.instanceId = instanceId;
			return this;
		}

		/**
		 * Where invalidations made inside a transaction are also written, in that
		 * transaction; none by default.
		 * @param outbox the outbox
		 * @return this builder
		 */
		public Builder outbox(InvalidationOutbox outbox) {
			this.outbox = outbox;
			return this;
		}

		public TieredStore build() {
			StoreOptions options = this.options;
			CircuitBreaker breaker = new CircuitBreaker(options.breakerFailureThreshold(),
					options.breakerOpenDuration(), System::nanoTime);
			RedisScriptRunner runner = new RedisScriptRunner(this.connectionFactory, options.commandTimeout(), breaker,
					options.replicaAcks(), options.replicaAckTimeout());
			// A cluster spreads the invalidation state over its masters; one server has
			// nothing to spread it over.
			int groups = (options.slotGroups() > 0) ? options.slotGroups()
					: runner.isCluster() ? StoreOptions.CLUSTER_SLOT_GROUPS : 1;
			RedisTier redis = new RedisTier(runner, new RedisKeys(options.keyPrefix(), options.namespace(), groups),
					options.maxTtl(), (this.instanceId != null) ? this.instanceId : UUID.randomUUID().toString(),
					// The envelope's header and tags come on top of the value itself.
					options.maxValueBytes() + ENVELOPE_ALLOWANCE,
					// On Redis Cluster, a PUBLISH would be copied to every node.
					runner.isCluster());
			ObjectMapper mapper = (this.mapper != null) ? this.mapper : JsonMapper.builder().build();
			ValueCodec codec = (this.codec != null) ? this.codec : new JacksonValueCodec(mapper);
			StoreErrorHandler errorHandler = (this.errorHandler != null) ? this.errorHandler
					: new LoggingStoreErrorHandler();
			return new TieredStore(redis, codec, options, this.observer, errorHandler, this.outbox);
		}

	}

}
