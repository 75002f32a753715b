package io.tiercache.redis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout of tiercache's keys, and the escaping that keeps entries of different caches
 * apart.
 */
class RedisKeysTests {

	private final RedisKeys keys = new RedisKeys("tc", "v1");

	@Test
	void everyKeyStartsWithThePrefixAndTheNamespace() {
		assertThat(this.keys.base()).isEqualTo("{tc:v1}:");
		assertThat(text(this.keys.seq())).isEqualTo("{tc:v1}:seq");
		assertThat(this.keys.tagPrefix()).isEqualTo("{tc:v1}:t:");
		assertThat(text(this.keys.tag("product:1"))).isEqualTo("{tc:v1}:t:product:1");
		assertThat(text(this.keys.entry("products", "1"))).isEqualTo("{tc:v1}:e:products:1");
		assertThat(this.keys.entryPrefix("products")).isEqualTo("{tc:v1}:e:products:");
		assertThat(this.keys.leasePrefix("products")).isEqualTo("{tc:v1}:l:products:");
		assertThat(text(this.keys.channel())).isEqualTo("{tc:v1}:invalidations");
	}

	@Test
	void anotherNamespaceIsAnotherKeyspace() {
		RedisKeys next = new RedisKeys("tc", "v2");
		assertThat(text(next.seq())).isEqualTo("{tc:v2}:seq");
		assertThat(text(next.entry("products", "1"))).isEqualTo("{tc:v2}:e:products:1");
		assertThat(text(next.channel())).isEqualTo("{tc:v2}:invalidations");
	}

	@Test
	void everyKeyOfANamespaceHashesToOneClusterSlotWhateverBracesItsPartsHold() {
		int slot = SlotHash.getSlot(this.keys.seq());
		assertThat(SlotHash.getSlot(this.keys.tag("{product}:1"))).isEqualTo(slot);
		assertThat(SlotHash.getSlot(this.keys.entry("{products}", "{1}"))).isEqualTo(slot);
		assertThat(SlotHash.getSlot(this.keys.leasePrefix("}{") + "{x}")).isEqualTo(slot);
		assertThat(SlotHash.getSlot(this.keys.channel())).isEqualTo(slot);
		assertThat(SlotHash.getSlot(new RedisKeys("tc", "v2").seq())).as("another namespace, another slot")
			.isNotEqualTo(slot);
	}

	@Test
	void colonsAndPercentSignsOfCacheNamesAreEscaped() {
		assertThat(text(this.keys.entry("a:b", "c"))).isEqualTo("{tc:v1}:e:a%3Ab:c");
		assertThat(text(this.keys.entry("100%", "c"))).isEqualTo("{tc:v1}:e:100%25:c");
		assertThat(text(this.keys.entry("a%3Ab", "c"))).isEqualTo("{tc:v1}:e:a%253Ab:c");
		assertThat(this.keys.leasePrefix("a:b")).isEqualTo("{tc:v1}:l:a%3Ab:");
		assertThat(text(this.keys.entry("products", "a:b%3A"))).as("keys are not escaped")
			.isEqualTo("{tc:v1}:e:products:a:b%3A");
	}

	@Test
	void noTwoCacheAndKeyPairsShareAnEntryOrLeaseKey() {
		List<String> parts = List.of("", "a", "b", ":", "a:", ":b", "a:b", "%", "%3A", "%3a", "%25", "a%3Ab", "a%253Ab",
				"::", "%%");
		Map<String, String> entries = new HashMap<>();
		Map<String, String> leases = new HashMap<>();
		for (String cache : parts) {
			for (String key : parts) {
				String pair = "(" + cache + ", " + key + ")";
				assertThat(entries.put(text(this.keys.entry(cache, key)), pair)).as("entry key of %s", pair).isNull();
				assertThat(leases.put(this.keys.leasePrefix(cache) + key, pair)).as("lease key of %s", pair).isNull();
			}
		}
		assertThat(entries.keySet()).doesNotContainAnyElementsOf(leases.keySet());
	}

	private static String text(byte[] key) {
		return new String(key, StandardCharsets.UTF_8);
	}

}
