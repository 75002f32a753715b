package io.tiercache.consistency;

import java.util.List;

/**
 * Everything besides the operations that a history excerpt shows: each instance's applies
 * and clears, the faults injected, and the epoch names, with times printed relative to
 * the start of the run.
 *
 * @param origin {@link System#nanoTime()} at the start of the run
 * @param logs each instance's events, by instance index
 * @param injections the faults injected
 * @param epochs the epoch names
 * @param buckets number of buckets, to name the list read an item came from
 */
record Timeline(long origin, List<EventLog.Snapshot> logs, List<FaultInjector.Injection> injections, Epochs epochs,
		int buckets) {

	/** A time as milliseconds since the start of the run, to the microsecond. */
	String at(long nanos) {
		if (nanos == Long.MAX_VALUE) {
			return "never";
		}
		return String.format("%.3f ms", (nanos - this.origin) / 1_000_000.0);
	}

	String invalidation(int epoch, long seq) {
		return (epoch < 0) ? "none" : this.epochs.name(epoch) + "/" + seq;
	}

}
