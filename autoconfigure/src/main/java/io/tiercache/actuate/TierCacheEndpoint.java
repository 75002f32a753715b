package io.tiercache.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * <li>{@code GET /actuator/tiercache}: this instance's state and every cache with its
 * effective settings and live figures; {@code GET /actuator/tiercache/{cache}}: one
 * cache.</li>
 * <li>{@code POST /actuator/tiercache} with {@code {"tags": "product:42,category:7"}}:
 * invalidates the tags (separated by commas, at most {@link #MAX_TAGS}) everywhere,
 * through the same path as {@code @InvalidatesTags}.</li>
 * <li>{@code DELETE /actuator/tiercache/{cache}}: clears the cache on every instance, by
 * invalidating the tag that every entry of the cache carries (its local tier everywhere,
 * and its Redis entries, which the next call reloads);
 * {@code DELETE /actuator/tiercache}: every cache this instance has used.</li>
 * </ul>
 * Like every endpoint but {@code health}, it is not exposed over HTTP unless
 * {@code management.endpoints.web.exposure.include} names it.
 *
 * @since 0.1.0
 */
@Endpoint(id = "tiercache")
public class TierCacheEndpoint {

	/** Most tags one {@code POST} may invalidate: each one is a key in Redis. */
	public static final int MAX_TAGS = 1000;

	private final TieredStore store;

	private final RedisTier redis;

	private final StoreObserver observer;

	/**
	 * Create the endpoint.
	 * @param store the store
	 * @param redis the shared tier, for this instance's id
	 * @param observer the store's observer, for figures it keeps
	 */
	public TierCacheEndpoint(TieredStore store, RedisTier redis, StoreObserver observer) {
		this.store = store;
		this.redis = redis;
		this.observer = observer;
	}

	@ReadOperation
	public TierCacheDescriptor caches() {
		LocalTrust trust = this.store.trust();
		Map<String, CacheDescriptor> caches = new LinkedHashMap<>();
		this.store.caches().forEach((name, cache) -> caches.put(name, describe(cache)));
		return new TierCacheDescriptor(this.redis.instanceId(), trust.epoch(), trust.trusted(),
				!trust.distrusts(DistrustCause.UNSUBSCRIBED), this.store.pendingInvalidations(), caches);
	}

	@ReadOperation
	public @Nullable CacheDescriptor cache(@Selector String cache) {
		TieredCache found = this.store.caches().get(cache);
		return (found != null) ? describe(found) : null;
	}

	/**
	 * Invalidate tags on every instance.
	 * @param tags the tags, separated by commas (an actuator request body holds strings
	 * only)
	 * @return what was invalidated
	 */
	@WriteOperation
	public InvalidationDescriptor invalidate(String tags) {
		List<String> split = new ArrayList<>();
		int start = 0;
		while (start <= tags.length()) {
			int end = tags.indexOf(',', start);
			end = (end < 0) ? tags.length() : end;
			String tag = tags.substring(start, end).trim();
			if (!tag.isEmpty()) {
				if (split.size() == MAX_TAGS) {
					// One request must not create an unbounded number of keys in Redis
					throw new InvalidEndpointRequestException(
							"At most " + MAX_TAGS + " tags may be invalidated in one request",
							"At most " + MAX_TAGS + " tags may be invalidated in one request; split the request");
				}
				split.add(tag);
			}
			start = end + 1;
		}
		return invalidate(split);
	}

	private InvalidationDescriptor invalidate(List<String> tags) {
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
		return invalidate(List.of(CacheTags.cache(cache)));
	}

	/**
	 * Clear every cache on every instance.
	 * @return what was invalidated
	 */
	@DeleteOperation
	public InvalidationDescriptor clearCaches() {
		List<String> tags = new ArrayList<>();
		this.store.caches().keySet().forEach((name) -> tags.add(CacheTags.cache(name)));
		if (tags.isEmpty()) {
			return new InvalidationDescriptor(List.of());
		}
		return invalidate(tags);
	}

	private CacheDescriptor describe(TieredCache cache) {
		CacheSettings settings = cache.settings();
		CacheStatistics statistics = this.observer.statistics(settings.name());
		return new CacheDescriptor(text(settings.ttl()), settings.jitter().toString(), text(settings.nullTtl()),
				settings.local(), settings.enabled(), cache.localSize(),
				(statistics != null)
						? new Figures(statistics.hits(), statistics.misses(), statistics.puts(), statistics.evictions())
						: null);
	}

	private static @Nullable String text(@Nullable Duration duration) {
		return (duration != null) ? duration.toString() : null;
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
	 * One cache.
	 *
	 * @param ttl time to live of its entries
	 * @param jitter jitter of their time to live
	 * @param nullTtl time to live of absent values, {@code null} if they are not cached
	 * @param local whether it uses the local tier
	 * @param enabled whether it is used at all
	 * @param localSize entries in this process's local tier
	 * @param figures counts since this process started, when metrics are enabled
	 */
	public record CacheDescriptor(String ttl, String jitter, @Nullable String nullTtl, boolean local, boolean enabled,
			long localSize, @Nullable Figures figures) implements OperationResponseBody {
	}

	/**
	 * Counts of one cache.
	 *
	 * @param hits calls served from either tier
	 * @param misses calls that ran the method
	 * @param puts entries stored
	 * @param evictions entries the local tier evicted for size or age
	 */
	public record Figures(long hits, long misses, long puts, long evictions) {
	}

	/**
	 * An invalidation sent to every instance.
	 *
	 * @param invalidated the tags
	 */
	public record InvalidationDescriptor(Collection<String> invalidated) implements OperationResponseBody {
	}

}
