package io.tiercache.consistency;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.tiercache.store.LocalTrust.ClearReason;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a run: the analysis of its history, the faults injected, and what the
 * library's own counters say happened meanwhile.
 *
 * @param options the options of the run
 * @param analysis the checker's analysis
 * @param injections every fault injection, in order
 * @param counters the library's counters summed over the instances, counted from the
 * start of the workload
 * @param droppedMessages messages lost on purpose by the {@code drop} fault
 * @param evictedKeys keys Redis evicted during the {@code memory} fault
 * @param failedOperations operations that threw (never expected)
 * @param firstFailure the first of them, or {@code null}
 * @param elapsed how long the workers actually ran
 */
record RunResult(CheckerOptions options, Analysis analysis, List<FaultInjector.Injection> injections,
		LibraryCounters counters, long droppedMessages, long evictedKeys, long failedOperations,
		@Nullable RuntimeException firstFailure, Duration elapsed) {

	long violations() {
		return this.analysis.violations();
	}

	long injected(Fault fault) {
		return this.injections.stream().filter((i) -> i.fault() == fault && !i.refused()).count();
	}

	long refused(Fault fault) {
		return this.injections.stream().filter((i) -> i.fault() == fault && i.refused()).count();
	}

	long clears(ClearReason reason) {
		return this.counters.clears(reason);
	}

	Map<ClearReason, Long> clears() {
		return this.counters.clears();
	}

}
