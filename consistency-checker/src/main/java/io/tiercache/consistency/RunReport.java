package io.tiercache.consistency;

import java.util.Locale;
import java.util.Map;

import io.tiercache.store.LocalTrust.ClearReason;

/**
 * The human-readable report of a run: what was done, what the checker found, what the
 * faults did to the library, and the measured delivery window.
 */
final class RunReport {

	/** Violations printed in full; the rest are counted. */
	private static final int PRINTED_VIOLATIONS = 5;

	private RunReport() {
	}

	static String format(RunResult result) {
		CheckerOptions options = result.options();
		Analysis analysis = result.analysis();
		StringBuilder out = new StringBuilder();
		out.append("tiercache consistency check: ")
			.append(options.instances())
			.append(" instances x ")
			.append(options.threads())
			.append(" threads, ")
			.append(result.elapsed().toMillis())
			.append(" ms, keyspace ")
			.append(options.keyspace())
			.append(", write ratio ")
			.append(options.writeRatio())
			.append(options.broken() ? ", BROKEN (local tier safety checks off)" : "")
			.append('\n');
		out.append(String.format("reads:      %d (%d gets, %d bucket lists; %d item reads)%n", analysis.reads(),
				analysis.gets(), analysis.lists(), analysis.itemReads()));
		out.append(String.format("writes:     %d (%d invalidated by a retry, %d never invalidated)%n",
				analysis.writes(), analysis.retriedWrites(), analysis.unannouncedWrites()));
		out.append(String.format("failed ops: %d%s%n", result.failedOperations(),
				(result.firstFailure() != null) ? " (first: " + result.firstFailure() + ")" : ""));
		out.append(String.format("violations: %d%n", analysis.violations()));
		out.append(String.format(
				"stale reads inside the delivery window (admitted): %d (%d after a retried "
						+ "invalidation, %d of those on the writer's own instance)%n",
				analysis.staleWithinWindow(), analysis.staleAfterRetriedWrite(), analysis.staleOnWriterAfterRetry()));
		if (analysis.unexplainedReads() > 0) {
			out.append(String.format("reads of versions no recorded write created: %d%n", analysis.unexplainedReads()));
		}
		out.append("faults:    ").append(faults(result)).append('\n');
		if (result.droppedMessages() > 0 || result.evictedKeys() > 0) {
			out.append(String.format("           %d messages dropped, %d keys evicted%n", result.droppedMessages(),
					result.evictedKeys()));
		}
		LibraryCounters counters = result.counters();
		out.append("clears:     ").append(clears(counters.clears())).append('\n');
		out.append(
				String.format(
						"library:    %d stalls, %d invalidations failed, %d retried, %d received, "
								+ "%d Redis errors%n",
						counters.stalls(), counters.invalidationsFailed(), counters.invalidationsRetried(),
						counters.invalidationsReceived(), counters.redisErrors()));
		out.append("delivery window (all write x instance pairs):   ").append(analysis.window()).append('\n');
		out.append("delivery window (pairs on another instance):    ").append(analysis.remoteWindow()).append('\n');
		if (analysis.uncoveredPairs() > 0) {
			out.append(String.format("write x instance pairs never covered: %d%n", analysis.uncoveredPairs()));
		}
		int printed = 0;
		for (Violation violation : analysis.examples()) {
			if (violation.excerpt() == null || printed == PRINTED_VIOLATIONS) {
				break;
			}
			out.append('\n').append(violation.excerpt());
			printed++;
		}
		for (Violation admitted : analysis.retryWindowExamples()) {
			out.append("\nFor reference, a stale read admitted because the write's invalidation waited for a retry:\n")
				.append(admitted.excerpt());
		}
		if (analysis.violations() > printed) {
			out.append(String.format("%n(%d more violations not shown)%n", analysis.violations() - printed));
		}
		return out.toString();
	}

	private static String faults(RunResult result) {
		if (result.injections().isEmpty()) {
			return "none";
		}
		StringBuilder out = new StringBuilder();
		for (Fault fault : Fault.values()) {
			long injected = result.injected(fault);
			long refused = result.refused(fault);
			if (injected + refused == 0) {
				continue;
			}
			out.append((out.length() > 0) ? ", " : "").append(fault.id()).append(' ').append(injected);
			if (refused > 0) {
				out.append(" (").append(refused).append(" refused: ").append(firstRefusal(result, fault)).append(')');
			}
		}
		return out.toString();
	}

	private static String firstRefusal(RunResult result, Fault fault) {
		return result.injections()
			.stream()
			.filter((injection) -> injection.fault() == fault && injection.refused())
			.map(FaultInjector.Injection::outcome)
			.findFirst()
			.orElse("");
	}

	private static String clears(Map<ClearReason, Long> clears) {
		StringBuilder out = new StringBuilder();
		clears.forEach((reason, count) -> out.append((out.length() > 0) ? ", " : "")
			.append(reason.name().toLowerCase(Locale.ROOT))
			.append(' ')
			.append(count));
		return out.toString();
	}

}
