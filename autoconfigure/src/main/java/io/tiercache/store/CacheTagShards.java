package io.tiercache.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Shards of the tag every entry of a cache carries ({@link CacheTags#cache}). With slot
 * groups, one such tag would put its group's slot under every read of the cache (its
 * state is checked with each entry): so each entry carries one of {@code shards} shards
 * of it instead, chosen by the entry's key, and invalidating the cache's tag invalidates
 * every shard, which is what clearing a cache does. With one group nothing changes: every
 * read touches the one slot anyway.
 */
final class CacheTagShards {

	private static final String CACHE_TAG_PREFIX = CacheTags.PREFIX + "cache:";

	private CacheTagShards() {
	}

	/**
	 * Whether a tag is a cache's own tag, not one of its shards.
	 * @param tag the tag
	 * @return whether it is
	 */
	static boolean isCacheTag(String tag) {
		return tag.startsWith(CACHE_TAG_PREFIX) && tag.indexOf('#') < 0;
	}

	/**
	 * A shard of a cache's tag; cache names in tags escape {@code #}, so no shard is
	 * another cache's tag.
	 * @param cacheTag the cache's tag
	 * @param shard the shard, from 0
	 * @return the shard's tag
	 */
	static String shard(String cacheTag, int shard) {
		return cacheTag + "#" + shard;
	}

	/**
	 * The tags an entry carries: its cache's tag replaced by the shard of its key.
	 * @param tags the entry's argument tags
	 * @param renderedKey the entry's key as rendered, the same in every process
	 * @param shards how many shards, 1 for none
	 * @return the tags
	 */
	static List<String> forEntry(List<String> tags, String renderedKey, int shards) {
		if (shards == 1) {
			return tags;
		}
		List<String> sharded = null;
		for (int i = 0; i < tags.size(); i++) {
			String tag = tags.get(i);
			if (isCacheTag(tag)) {
				if (sharded == null) {
					sharded = new ArrayList<>(tags);
				}
				sharded.set(i, shard(tag, Math.floorMod(renderedKey.hashCode(), shards)));
			}
		}
		return (sharded != null) ? sharded : tags;
	}

	/**
	 * The tags an invalidation must reach: each cache's tag replaced by all its shards.
	 * @param tags the tags to invalidate
	 * @param shards how many shards, 1 for none
	 * @return the tags
	 */
	static List<String> expand(Collection<String> tags, int shards) {
		List<String> expanded = new ArrayList<>(tags.size());
		for (String tag : tags) {
			if (shards > 1 && isCacheTag(tag)) {
				for (int shard = 0; shard < shards; shard++) {
					expanded.add(shard(tag, shard));
				}
			}
			else {
				expanded.add(tag);
			}
		}
		return expanded;
	}

}
