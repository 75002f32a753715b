package io.tiercache.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tiercache's own Redis work spreads over a cluster's masters, as {@code docs/cluster.md}
 * shows with {@link ClusterSpread}. With every key in one slot, one master ran every
 * command and the sequence hash was touched by every operation.
 */
class ClusterSpreadTests {

	@Test
	void everyPhaseSpreadsEvenlyOverThreeMastersWithNoHotKey() {
		List<ClusterSpread.Phase> phases = ClusterSpread.measure(3, 1500);
		assertThat(phases).extracting(ClusterSpread.Phase::name)
			.containsExactly("first reads (miss, load, store)", "reads (Redis hit)", "invalidations",
					"mix: 90% reads, 10% invalidations");
		for (ClusterSpread.Phase phase : phases) {
			assertThat(phase.commands()).as("%s: commands", phase.name()).isGreaterThanOrEqualTo(phase.operations());
			assertThat(phase.shares()).as("%s: each master's share of the commands", phase.name())
				.allSatisfy((share) -> assertThat(share).isBetween(0.85 / 3, 1.15 / 3));
			assertThat(phase.hottestKeyShare()).as("%s: the share of %s", phase.name(), phase.hottestKey())
				.isLessThan(0.01);
		}
	}

	@Test
	void monitorLinesGiveTheKeyOfAScriptCallAndOfTheCommandsItRuns() {
		assertThat(ClusterSpread.Monitor.key("1700000000.1 [0 127.0.0.1:5000] \"EVALSHA\" \"ab12\" \"2\" "
				+ "\"{tc:v1:e:items:1}\" \"{tc:v1:e:items:1}:l\" \"read\""))
			.isEqualTo("{tc:v1:e:items:1}");
		assertThat(ClusterSpread.Monitor.key("1700000000.1 [0 lua] \"HMGET\" \"{tc:v1:g3:7}:seq\" \"epoch\""))
			.isEqualTo("{tc:v1:g3:7}:seq");
		assertThat(ClusterSpread.Monitor.key("1700000000.1 [0 lua] \"GET\" \"a\\\"b\"")).isEqualTo("a\"b");
		assertThat(ClusterSpread.Monitor.key("1700000000.1 [0 lua] \"INFO\" \"server\"")).isNull();
		assertThat(ClusterSpread.Monitor.key("1700000000.1 [0 127.0.0.1:5000] \"PING\"")).isNull();
		assertThat(ClusterSpread.Monitor.key("1700000000.1 [0 127.0.0.1:5000] \"EVALSHA\" \"ab12\" \"0\"")).isNull();
	}

}
