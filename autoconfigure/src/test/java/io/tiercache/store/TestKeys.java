package io.tiercache.store;

import java.nio.charset.StandardCharsets;

import io.tiercache.redis.RedisKeys;

/**
 * The names of tiercache's keys in the layout a test run's processes use by default: one
 * slot group on a single server, {@value StoreOptions#CLUSTER_SLOT_GROUPS} on the cluster
 * the build's {@code on-redis-cluster} run starts (system property
 * {@code tiercache.test.redis=cluster}). Tests that look at or tamper with keys name them
 * through this class, so that they run on both.
 */
public final class TestKeys {

	private TestKeys() {
	}

	/**
	 * The layout, with the default prefix and namespace.
	 * @return the layout
	 */
	public static TestKeys defaults() {
		return new TestKeys();
	}

	/**
	 * The slot groups of this run's processes.
	 * @return the count
	 */
	public static int slotGroups() {
		return "cluster".equals(System.getProperty("tiercache.test.redis")) ? StoreOptions.CLUSTER_SLOT_GROUPS : 1;
	}

	/** The layout itself. */
	public RedisKeys layout() {
		return new RedisKeys("tc", "v1", slotGroups());
	}

	/** An entry's key. */
	public String entry(String cache, String key) {
		return text(layout().entry(cache, key));
	}

	/** An entry's lease key. */
	public String lease(String cache, String key) {
		return text(layout().lease(cache, key));
	}

	/** A tag's record. */
	public String tag(String tag) {
		return text(layout().tag(tag));
	}

	/** The sequence hash of a tag's slot group. */
	public String seq(String tag) {
		return text(layout().seq(layout().group(tag)));
	}

	/** The channel of a tag's slot group. */
	public String channel(String tag) {
		return text(layout().channel(layout().group(tag)));
	}

	/** The slot group of a tag. */
	public int group(String tag) {
		return layout().group(tag);
	}

	private static String text(byte[] key) {
		return new String(key, StandardCharsets.UTF_8);
	}

}
