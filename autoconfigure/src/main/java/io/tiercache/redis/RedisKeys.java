package io.tiercache.redis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.CRC16;

/**
 * Layout of tiercache's keys in Redis. Every key starts with a Redis Cluster hash tag
 * naming the prefix and the namespace, such as <code>{tc:v1}:</code>, so bumping the
 * namespace cuts over to a fresh keyspace without a flush; only what the first braces
 * enclose decides a key's slot, and braces in a cache name, a key or a tag come after
 * tiercache's own, so they cannot move a key elsewhere.
 * <p>
 * The invalidation state is split into <em>slot groups</em> ({@link #groups()}): each tag
 * belongs to one group, by the CRC16 of its name, and each group has its own sequence
 * hash, tag records and shard channel, all in one slot, so that each script touches the
 * keys of one slot, as Redis Cluster requires, and the groups' slots spread evenly over
 * the cluster's masters. With one group (standalone Redis and Sentinel), the entries live
 * in that slot too:
 *
 * <pre>
 * {base}seq               hash: epoch, n (the group's invalidation sequence), start, run
 * {base}t:{tag}           the sequence at which the tag was last invalidated
 * {base}e:{cache}:{key}   an entry's envelope
 * {base}l:{cache}:{key}   the token of the process loading that entry
 * {base}invalidations     pub/sub channel
 * </pre>
 *
 * With {@code G > 1} groups (the default on Redis Cluster), group {@code i}'s keys start
 * with <code>{tc:v1:g&lt;i&gt;:&lt;s&gt;}:</code>, its suffix {@code s} chosen so that
 * the group's slot is the {@code i}-th of {@code G} evenly spaced ones, and each entry
 * hashes by its own name, with its lease in its slot:
 * <code>{tc:v1:e:&lt;cache&gt;:&lt;key&gt;}</code> and
 * <code>{tc:v1:e:&lt;cache&gt;:&lt;key&gt;}:l</code>.
 *
 * @since 0.1.0
 */
public final class RedisKeys {

	/** Slots of a Redis Cluster. */
	private static final int SLOTS = 16384;

	/**
	 * The most slot groups: enough to spread over a thousand masters, while each group's
	 * slot is still found in a few hundred hashes at startup.
	 */
	public static final int MAX_GROUPS = 1024;

	private final String base;

	private final String hashTag;

	private final String[] groupBases;

	private final byte[][] seqs;

	private final byte[][] channels;

	private final Map<String, Integer> groupOfChannel = new HashMap<>();

	/**
	 * The layout of one group: today's single-slot layout.
	 * @param prefix the key prefix
	 * @param namespace the namespace
	 */
	public RedisKeys(String prefix, String namespace) {
		this(prefix, namespace, 1);
	}

	/**
	 * The layout of {@code groups} slot groups.
	 * @param prefix the key prefix
	 * @param namespace the namespace
	 * @param groups how many slot groups, from 1 to {@link #MAX_GROUPS}
	 */
	public RedisKeys(String prefix, String namespace, int groups) {
		if (groups < 1 || groups > MAX_GROUPS) {
			throw new IllegalArgumentException("Slot groups must be between 1 and " + MAX_GROUPS + ", not " + groups);
		}
		this.hashTag = prefix + ":" + namespace;
		this.base = "{" + this.hashTag + "}:";
		this.groupBases = new String[groups];
		this.seqs = new byte[groups][];
		this.channels = new byte[groups][];
		for (int g = 0; g < groups; g++) {
			this.groupBases[g] = (groups == 1) ? this.base
					: "{" + slotTargeted(this.hashTag + ":g" + g + ":", g, groups) + "}:";
			this.seqs[g] = bytes(this.groupBases[g] + "seq");
			this.channels[g] = bytes(this.groupBases[g] + "invalidations");
			this.groupOfChannel.put(this.groupBases[g] + "invalidations", g);
		}
	}

	/**
	 * A hash tag made of {@code stem} and a number, the first whose slot falls in the
	 * {@code g}-th of {@code groups} equal ranges of slots: slots are given to a
	 * cluster's masters in ranges, so groups spaced evenly over them spread evenly over
	 * the masters.
	 */
	private static String slotTargeted(String stem, int g, int groups) {
		int from = (int) ((long) g * SLOTS / groups);
		int to = (int) ((long) (g + 1) * SLOTS / groups);
		for (int suffix = 0;; suffix++) {
			String candidate = stem + suffix;
			int slot = SlotHash.getSlot(candidate);
			if (slot >= from && slot < to) {
				return candidate;
			}
		}
	}

	/** How many slot groups the invalidation state is split into. */
	public int groups() {
		return this.groupBases.length;
	}

	/**
	 * The slot group of a tag.
	 * @param tag the tag
	 * @return its group, from 0 to {@link #groups()} - 1
	 */
	public int group(String tag) {
		if (this.groupBases.length == 1) {
			return 0;
		}
		return CRC16.crc16(bytes(tag)) % this.groupBases.length;
	}

	/**
	 * The group whose channel this is.
	 * @param channel a channel name
	 * @return its group, or -1 if it is no channel of this layout
	 */
	public int groupOfChannel(byte[] channel) {
		Integer group = this.groupOfChannel.get(new String(channel, StandardCharsets.UTF_8));
		return (group != null) ? group : -1;
	}

	/**
	 * Prefix shared by the keys of the first group, such as <code>{tc:v1}:</code> (of all
	 * keys with one group).
	 */
	public String base() {
		return this.base;
	}

	/**
	 * The key recording the namespace's layout, such as <code>{tc:v1}:layout</code>,
	 * which every process of the namespace checks its own against.
	 */
	public byte[] layout() {
		return bytes(this.base + "layout");
	}

	/** The first group's sequence hash. */
	public byte[] seq() {
		return this.seqs[0];
	}

	/**
	 * A group's sequence hash.
	 * @param group the group
	 * @return its key
	 */
	public byte[] seq(int group) {
		return this.seqs[group];
	}

	/**
	 * Prefix of the first group's tag keys; with one group, the read script appends tag
	 * names found in envelopes to it.
	 */
	public String tagPrefix() {
		return this.groupBases[0] + "t:";
	}

	/**
	 * The key of a tag's record, in its group's slot.
	 * @param tag the tag
	 * @return the key
	 */
	public byte[] tag(String tag) {
		return bytes(this.groupBases[group(tag)] + "t:" + tag);
	}

	/**
	 * Key of an entry, in the first group's slot with one group, in a slot of its own
	 * otherwise. The cache name is escaped so that no two (cache, key) pairs share a
	 * Redis key, whatever colons either contains.
	 * @param cache the cache name
	 * @param key the rendered key
	 * @return the Redis key
	 */
	public byte[] entry(String cache, String key) {
		return forCache(cache).entry(key);
	}

	/**
	 * Key of an entry's load lease, in the entry's slot.
	 * @param cache the cache name
	 * @param key the rendered key
	 * @return the Redis key
	 */
	public byte[] lease(String cache, String key) {
		return forCache(cache).lease(key);
	}

	/**
	 * The keys of one cache's entries and leases, their prefixes worked out once: a read
	 * names two keys, and it should cost no more than that.
	 * @param cache the cache name
	 * @return the cache's keys
	 */
	public CacheKeys forCache(String cache) {
		if (this.groupBases.length == 1) {
			return new CacheKeys(entryPrefix(cache), "", leasePrefix(cache), "");
		}
		String prefix = "{" + this.hashTag + ":e:" + escape(cache) + ":";
		return new CacheKeys(prefix, "}", prefix, "}:l");
	}

	private static String escape(String cache) {
		return cache.replace("%", "%25").replace(":", "%3A");
	}

	/**
	 * Prefix of every entry key of a cache, with one group.
	 * @param cache the cache name
	 * @return the prefix, ending with a colon
	 */
	public String entryPrefix(String cache) {
		return this.base + "e:" + escape(cache) + ":";
	}

	/**
	 * Prefix of every load lease key of a cache, with one group.
	 * @param cache the cache name
	 * @return the prefix, ending with a colon
	 */
	public String leasePrefix(String cache) {
		return this.base + "l:" + escape(cache) + ":";
	}

	/** The first group's channel. */
	public byte[] channel() {
		return this.channels[0];
	}

	/**
	 * A group's channel.
	 * @param group the group
	 * @return its name
	 */
	public byte[] channel(int group) {
		return this.channels[group];
	}

	/**
	 * The keys of one cache: see {@link RedisKeys#entry} and {@link RedisKeys#lease}.
	 */
	public static final class CacheKeys {

		private final String entryPrefix;

		private final String entrySuffix;

		private final String leasePrefix;

		private final String leaseSuffix;

		private CacheKeys(String entryPrefix, String entrySuffix, String leasePrefix, String leaseSuffix) {
			this.entryPrefix = entryPrefix;
			this.entrySuffix = entrySuffix;
			this.leasePrefix = leasePrefix;
			this.leaseSuffix = leaseSuffix;
		}

		/**
		 * Key of an entry.
		 * @param key the rendered key
		 * @return the Redis key
		 */
		public byte[] entry(String key) {
			return bytes(this.entryPrefix + key + this.entrySuffix);
		}

		/**
		 * Key of an entry's load lease, in the entry's slot.
		 * @param key the rendered key
		 * @return the Redis key
		 */
		public byte[] lease(String key) {
			return bytes(this.leasePrefix + key + this.leaseSuffix);
		}

	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
