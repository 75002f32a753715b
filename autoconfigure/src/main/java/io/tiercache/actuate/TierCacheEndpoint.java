package io.tiercache.actuate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import io.tiercache.redis.RedisTier;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.CacheStatistics;
import io.tiercache.store.CacheTags;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.LocalTrust.DistrustCause;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredCache;
import io.tiercache.store.TieredStore;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code tiercache} actuator endpoint. Unlike Boot's {@code caches} endpoint, what it
 * changes, it changes on every instance:
 * <ul>
 * <li>{@code GET /actuator/tiercache}: this instance's state and every cache it knows
 * (those its {@code @Cached} methods declare, and those it has used) with its effective
 * settings and live figures; {@code GET /actuator/tiercache/{cache}}: one cache, 404 for
 * a cache it does not know.</li>
 * <li>{@code POST /actuator/tiercache} with {@code {"tags": "product:42,category:7"}}:
 * invalidates the tags (at most {@link #MAX_TAGS}) everywhere, through the same path as
 * {@code @InvalidatesTags}. Over the web the value is one string, which Boot's conversion
 * splits at commas (the actuator reads a body as a map of strings); over JMX it may be a
 * list.</li>
 * <li>{@code DELETE /actuator/tiercache/{cache}}: clears a cache this instance knows on
 * every instance, by invalidating the tag that every entry of the cache carries (its
 * local tier everywhere, and its Redis entries, which the next call reloads); {@code 400}
 * for a cache it does not know, as {@code GET} answers 404;
 * {@code DELETE /actuator/tiercache}: every cache it knows.</li>
 * </ul>
 * Like every endpoint but {@code health}, it is not exposed over HTTP unless
 * {@code management.endpoints.web.exposure.include} names it.
 *
 * @since 0.1.0
 */
@Endpoint(id = TierCacheEndpoint.ID)
public class TierCacheEndpoint {

	/** The endpoint's id, and its path under the actuator's base path by default. */
	public static final String ID = "tiercache";

	/** Most tags one {@code POST} may invalidate: each one is a key in Redis. */
	public static final int MAX_TAGS = 1000;

	/** The {@code nullTtl} of a cache that does not cache absent values. */
	public static final String NOT_CACHED = "not cached";

	private final TieredStore store;

	private final RedisTier redis;

	private final StoreObserver observer;

	private final Supplier<Map<String, CacheSettings>> declared;

	/**
	 * Create the endpoint, knowing only the caches used so far.
	 * @param store the store
	 * @param redis the shared tier, for this instance's id
	 * @param observer the store's observer, for figures it keeps
	 */
	public TierCacheEndpoint(TieredStore store, RedisTier redis, StoreObserver observer) {
		this(store, redis, observer, Map::of);
	}

	/**
	 * Create the endpoint.
	 * @param store the store
	 * @param redis the shared tier, for this instance's id
	 * @param observer the store's observer, for figures it keeps
	 * @param declared the caches this instance's {@code @Cached} methods declare, with
	 * their settings, whether used yet or not
	 */
	public TierCacheEndpoint(TieredStore store, RedisTier redis, StoreObserver observer,
			Supplier<Map<String, CacheSettings>> declared) {
		this.store = store;
		this.redis = redis;
		this.observer = observer;
		this.declared = declared;
	}

	@ReadOperation
	public TierCacheDescriptor caches() {
		LocalTrust trust = this.store.trust();
		Map<String, CacheDescriptor> caches = new LinkedHashMap<>();
		Map<String, TieredCache> used = this.store.caches();
		Map<String, CacheSettings> declared = this.declared.get();
		for (String name : knownCaches(declared, used)) {
			caches.put(name, describe(name, declared, used));
		}
		return new TierCacheDescriptor(this.redis.instanceId(), trust.epoch(), trust.trusted(),
				!trust.distrusts(DistrustCause.UNSUBSCRIBED), this.store.pendingInvalidations(), caches);
	}

	@ReadOperation
	public @Nullable CacheDescriptor cache(@Selector String cache) {
		return describe(cache, this.declared.get(), this.store.caches());
	}

	/**
	 * Invalidate tags on every instance.
	 * @param tags the tags: over the web one string of tags separated by commas, which
	 * Boot's conversion service splits
	 * @return what was invalidated
	 */
	@WriteOperation
	public InvalidationDescriptor invalidate(List<?> tags) {
		Set<String> distinct = new LinkedHashSet<>();
		for (Object element : tags) {
			String tag = (element != null) ? element.toString().trim() : "";
			if (tag.isEmpty() || distinct.contains(tag)) {
				continue;
			}
			if (distinct.size() == MAX_TAGS) {
				// One request must not create an unbounded number of keys in Redis
				throw new InvalidEndpointRequestException(
						"At most " + MAX_TAGS + " tags may be invalidated in one request",
						"At most " + MAX_TAGS + " tags may be invalidated in one request; split the request");
			}
			distinct.add(tag);
		}
		return publish(List.copyOf(distinct));
	}

	private InvalidationDescriptor publish(List<String> tags) {
		this.store.invalidate(tags);
		return new InvalidationDescriptor(List.copyOf(tags));
	}

	/**
	 * Clear a cache on every instance, including those where it exists and this one where
	 * it may not have been used yet.
	 * @param cache the cache
	 * @return what was invalidated
	 */
	@DeleteOperation
	public InvalidationDescriptor clearCache(@Selector String cache) {
		Set<String> known = knownCaches(this.declared.get(), this.store.caches());
		if (!known.contains(cache)) {
			// As GET answers 404: a misspelt name would otherwise invalidate a tag no
			// entry carries, and say it had cleared the cache.
			String reason = "No cache '" + cache + "' on this instance; its caches are " + known;
			throw new InvalidEndpointRequestException(reason, reason);
		}
		return publish(List.of(CacheTags.cache(cache)));
	}

	/**
	 * Clear every cache this instance knows on every instance.
	 * @return what was invalidated
	 */
	@DeleteOperation
	public InvalidationDescriptor clearCaches() {
		List<String> tags = new ArrayList<>();
		knownCaches(this.declared.get(), this.store.caches()).forEach((name) -> tags.add(CacheTags.cache(name)));
		if (tags.isEmpty()) {
			return new InvalidationDescriptor(List.of());
		}
		return publish(tags);
	}

	/** The declared caches, in name order, then those used but not declared. */
	private static Set<String> knownCaches(Map<String, CacheSettings> declared, Map<String, TieredCache> used) {
		Set<String> known = new LinkedHashSet<>(new TreeSet<>(declared.keySet()));
		known.addAll(used.keySet());
		return known;
	}

	private @Nullable CacheDescriptor describe(String name, Map<String, CacheSettings> declared,
			Map<String, TieredCache> used) {
		TieredCache cache = used.get(name);
		CacheSettings settings = (cache != null) ? cache.settings() : declared.get(name);
		if (settings == null) {
			return null;
		}
		CacheStatistics statistics = this.observer.statistics(name);
		return new CacheDescriptor(settings.ttl().toString(), settings.jitter().toString(),
				(settings.nullTtl() != null) ? settings.nullTtl().toString() : NOT_CACHED,
				settings.staleWhileRevalidate().toString(), settings.local(), settings.enabled(), cache != null,
				(cache != null) ? cache.localSize() : 0, (statistics != null) ? statistics.hits() : null,
				(statistics != null) ? statistics.misses() : null, (statistics != null) ? statistics.puts() : null,
				(statistics != null) ? statistics.evictions() : null);
	}

	/**
	 * This instance and its caches.
	 *
	 * @param instance id of this process, carried by its invalidation messages
	 * @param epoch Redis's epoch last seen
	 * @param localTrusted whether the local tier may serve entries now
	 * @param subscriptionConfirmed whether the invalidation subscription is confirmed
	 * @param pendingInvalidations invalidations waiting for Redis
	 * @param caches the caches created so far, by name
	 */
	public record TierCacheDescriptor(String instance, @Nullable String epoch, boolean localTrusted,
			boolean subscriptionConfirmed, int pendingInvalidations,
			Map<String, CacheDescriptor> caches) implements OperationResponseBody {
	}

	/**
	 * One cache. The counts are since this process started, and present only when metrics
	 * are enabled.
	 *
	 * @param ttl time to live of its entries
	 * @param jitter jitter of their time to live
	 * @param nullTtl time to live of absent values, {@value #NOT_CACHED} if they are not
	 * cached
	 * @param staleWhileRevalidate how long after its time to live an entry may still be
	 * served while it is refreshed, {@code PT0S} for never
	 * @param local whether it uses the local tier
	 * @param enabled whether it is used at all
	 * @param used whether this instance has used it yet
	 * @param localSize entries in this process's local tier
	 * @param hits calls served from either tier
	 * @param misses calls that ran the method
	 * @param puts entries stored
	 * @param evictions entries the local tier evicted for size or age
	 */
	public record CacheDescriptor(String ttl, String jitter, String nullTtl, String staleWhileRevalidate, boolean local,
			boolean enabled, boolean used, long localSize, @Nullable Long hits, @Nullable Long misses,
			@Nullable Long puts, @Nullable Long evictions) implements OperationResponseBody {
	}

	/**
	 * An invalidation sent to every instance.
	 *
	 * @param invalidated the tags
	 */
	public record InvalidationDescriptor(Collection<String> invalidated) implements OperationResponseBody {
	}

}
