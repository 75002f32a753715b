package io.tiercache.store;

/**
 * Tags that tiercache itself puts on entries, beside those the application declares.
 * Their names start with {@value #PREFIX}, which applications should not use for their
 * own tags.
 * <ul>
 * <li>{@link #cache(String)}: carried by every entry of a cache, so that invalidating it
 * clears the whole cache on every instance (both tiers) at the cost of one tag, however
 * many entries the cache holds. With slot groups, entries carry a shard of it instead,
 * and invalidating it invalidates every shard ({@link CacheTagShards}).</li>
 * <li>{@link #key(String, String)}: carried by every entry that the Spring Cache bridge
 * or the programmatic API stores, so that one key can be evicted everywhere.</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class CacheTags {

	/** Prefix of the tags tiercache defines. */
	public static final String PREFIX = "tiercache:";

	private CacheTags() {
	}

	/**
	 * The tag every entry of a cache carries.
	 * @param cacheName the cache name
	 * @return the tag
	 */
	public static String cache(String cacheName) {
		return PREFIX + "cache:" + escape(cacheName);
	}

	/**
	 * The tag of one key of a cache.
	 * @param cacheName the cache name
	 * @param renderedKey the key as {@link KeyRenderer} renders it
	 * @return the tag
	 */
	public static String key(String cacheName, String renderedKey) {
		return PREFIX + "key:" + escape(cacheName) + ":" + renderedKey;
	}

	// As RedisKeys escapes cache names: no two (cache, key) pairs share a tag; and '#'
	// too, which separates the shards of a cache's tag (CacheTagShards).
	private static String escape(String cacheName) {
		return cacheName.replace("%", "%25").replace(":", "%3A").replace("#", "%23");
	}

}
