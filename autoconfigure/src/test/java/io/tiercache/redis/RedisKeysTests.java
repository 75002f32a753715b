package io.tiercache.redis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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

	@Test
	void eachSlotGroupKeepsItsSequenceTagRecordsAndChannelInOneSlotOfItsOwn() {
		RedisKeys grouped = new RedisKeys("tc", "v1", 128);
		Map<Integer, Integer> groupOfSlot = new HashMap<>();
		for (int tag = 0; tag < 2000; tag++) {
			String name = "product:" + tag;
			int group = grouped.group(name);
			int slot = SlotHash.getSlot(grouped.seq(group));
			assertThat(SlotHash.getSlot(grouped.tag(name))).as("record of %s", name).isEqualTo(slot);
			assertThat(SlotHash.getSlot(grouped.channel(group))).isEqualTo(slot);
			assertThat(groupOfSlot.put(slot, group)).as("slot %d", slot).isIn(null, group);
			assertThat(grouped.groupOfChannel(grouped.channel(group))).isEqualTo(group);
		}
		assertThat(groupOfSlot).as("every group is used").hasSize(128);
		assertThat(grouped.groupOfChannel(this.keys.channel())).as("another layout's channel").isEqualTo(-1);
	}

	@Test
	void slotGroupsSpreadEvenlyOverTheMastersOfAClusterAndTagsSpreadEvenlyOverTheGroups() {
		RedisKeys grouped = new RedisKeys("tc", "v1", 128);
		// Slots as a cluster of three masters is given them: 0-5460, 5461-10922 and
		// 10923-16383
		int[] perMaster = new int[3];
		for (int group = 0; group < grouped.groups(); group++) {
			int slot = SlotHash.getSlot(grouped.seq(group));
			perMaster[(slot <= 5460) ? 0 : (slot <= 10922) ? 1 : 2]++;
		}
		assertThat(perMaster).containsExactlyInAnyOrder(43, 43, 42);
		int[] perGroup = new int[grouped.groups()];
		for (int tag = 0; tag < 128_000; tag++) {
			perGroup[grouped.group("sku:" + tag)]++;
		}
		for (int count : perGroup) {
			assertThat(count).as("tags of a group, 1000 on average").isBetween(850, 1150);
		}
	}

	@Test
	void withSlotGroupsEntriesHashByTheirOwnNameWithTheirLeaseAlongside() {
		RedisKeys grouped = new RedisKeys("tc", "v1", 128);
		assertThat(text(grouped.entry("products", "1"))).isEqualTo("{tc:v1:e:products:1}");
		assertThat(text(grouped.lease("products", "1"))).isEqualTo("{tc:v1:e:products:1}:l");
		Map<Integer, Integer> slots = new HashMap<>();
		for (String key : List.of("1", "2", "{x}", "a}b", "}", "{", "a:b")) {
			int slot = SlotHash.getSlot(grouped.entry("a:b", key));
			assertThat(SlotHash.getSlot(grouped.lease("a:b", key))).as("lease of %s", key).isEqualTo(slot);
			slots.merge(slot, 1, Integer::sum);
		}
		assertThat(slots).as("entries are not all in one slot").hasSizeGreaterThan(1);
		assertThat(text(grouped.entry("a:b", "c"))).as("cache names are escaped").isEqualTo("{tc:v1:e:a%3Ab:c}");
	}

	@Test
	void slotGroupsOutsideOneToTheSlotCountAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisKeys("tc", "v1", 0))
			.withMessageContaining("between 1 and 1024");
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisKeys("tc", "v1", 1025));
		assertThat(new RedisKeys("tc", "v1", 1024).groups()).isEqualTo(1024);
	}

	private static String text(byte[] key) {
		return new String(key, StandardCharsets.UTF_8);
	}

}
