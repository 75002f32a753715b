package io.tiercache.store;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shards of a cache's own tag: each entry carries the shard of its key, and an
 * invalidation of the cache's tag reaches every shard, so clearing still reaches every
 * entry.
 */
class CacheTagShardsTests {

	private static final String CACHE_TAG = CacheTags.cache("products");

	@Test
	void withOneGroupTagsAreUnchanged() {
		List<String> tags = List.of(CACHE_TAG, "product:1");
		assertThat(CacheTagShards.forEntry(tags, "1", 1)).isSameAs(tags);
		assertThat(CacheTagShards.expand(tags, 1)).containsExactly(CACHE_TAG, "product:1");
	}

	@Test
	void eachEntryCarriesTheShardOfItsKeyAndTheKeysSpreadOverTheShards() {
		Set<String> shards = new HashSet<>();
		for (int key = 0; key < 2000; key++) {
			List<String> tags = CacheTagShards.forEntry(List.of("product:" + key, CACHE_TAG), Integer.toString(key),
					128);
			assertThat(tags.get(0)).isEqualTo("product:" + key);
			assertThat(tags.get(1)).startsWith(CACHE_TAG + "#");
			assertThat(CacheTagShards.forEntry(List.of(CACHE_TAG), Integer.toString(key), 128))
				.as("the same shard for the same key, in every process")
				.containsExactly(tags.get(1));
			shards.add(tags.get(1));
		}
		assertThat(shards).hasSize(128);
	}

	@Test
	void invalidatingTheCacheTagReachesEveryShardAndAShardOrAnotherTagStaysAsItIs() {
		List<String> expanded = CacheTagShards.expand(List.of("product:1", CACHE_TAG, CACHE_TAG + "#7"), 128);
		assertThat(expanded).hasSize(2 + 128);
		for (int key = 0; key < 500; key++) {
			assertThat(expanded).containsAll(CacheTagShards.forEntry(List.of(CACHE_TAG), Integer.toString(key), 128));
		}
		assertThat(expanded).contains("product:1", CACHE_TAG + "#7");
		assertThat(expanded).doesNotContain(CACHE_TAG);
	}

	@Test
	void noShardIsAnotherCachesTag() {
		assertThat(CacheTags.cache("products#7")).isNotEqualTo(CacheTagShards.shard(CACHE_TAG, 7));
		assertThat(CacheTagShards.isCacheTag(CacheTags.cache("a#b"))).isTrue();
	}

}
