package io.tiercache.redis;

import java.nio.charset.StandardCharsets;

/**
 * Layout of tiercache's keys in Redis. Every key starts with the base
 * <code>{&lt;prefix&gt;:&lt;namespace&gt;}:</code>, such as <code>{tc:v1}:</code>, so
 * bumping the namespace cuts over to a fresh keyspace without a flush.
 * <p>
 * The braces are a Redis Cluster hash tag: only what they enclose decides a key's slot,
 * so every key of a namespace lives in one slot, on one node, and each script touches
 * keys of one slot only, as Redis Cluster requires. Braces in a cache name, a key or a
 * tag come after tiercache's own and cannot move a key elsewhere.
 *
 * <pre>
 * {base}seq               hash: epoch, n (the global invalidation sequence)
 * {base}t:{tag}           the sequence at which the tag was last invalidated
 * {base}e:{cache}:{key}   an entry's envelope
 * {base}l:{cache}:{key}   the token of the process loading that entry
 * {base}invalidations     pub/sub channel
 * </pre>
 *
 * @since 0.1.0
 */
public final class RedisKeys {

	private final String base;

	private final byte[] seq;

	private final String tagPrefix;

	private final byte[] channel;

	public RedisKeys(String prefix, String namespace) {
		this.base = "{" + prefix + ":" + namespace + "}:";
		this.seq = bytes(this.base + "seq");
		this.tagPrefix = this.base + "t:";
		this.channel = bytes(this.base + "invalidations");
	}

	/** Prefix shared by all keys, such as <code>{tc:v1}:</code>. */
	public String base() {
		return this.base;
	}

	public byte[] seq() {
		return this.seq;
	}

	/** Prefix of tag keys; the read script appends tag names found in envelopes to it. */
	public String tagPrefix() {
		return this.tagPrefix;
	}

	public byte[] tag(String tag) {
		return bytes(this.tagPrefix + tag);
	}

	/**
	 * Key of an entry. The cache name is escaped so that no two (cache, key) pairs share
	 * a Redis key, whatever colons either contains.
	 * @param cache the cache name
	 * @param key the rendered key
	 * @return the Redis key
	 */
	public byte[] entry(String cache, String key) {
		return bytes(entryPrefix(cache) + key);
	}

	/**
	 * Prefix of every entry key of a cache.
	 * @param cache the cache name
	 * @return the prefix, ending with a colon
	 */
	public String entryPrefix(String cache) {
		return this.base + "e:" + cache.replace("%", "%25").replace(":", "%3A") + ":";
	}

	/**
	 * Prefix of every load lease key of a cache.
	 * @param cache the cache name
	 * @return the prefix, ending with a colon
	 */
	public String leasePrefix(String cache) {
		return this.base + "l:" + cache.replace("%", "%25").replace(":", "%3A") + ":";
	}

	public byte[] channel() {
		return this.channel;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
