package io.tiercache.consistency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes the history excerpt of a violation: the read, the write it contradicts, how and
 * when the write reached the reading instance, that instance's applies (of the item) and
 * clears around them, and the faults injected meanwhile. Enough to decide whether the
 * library or the checker is wrong.
 */
final class Excerpts {

	/** How far before the write and after the read the excerpt reaches. */
	private static final long MARGIN_NANOS = 2_000_000;

	private static final int MAX_EVENTS = 30;

	private final Timeline timeline;

	private final InvalidationIndex index;

	Excerpts(Timeline timeline, InvalidationIndex index) {
		this.timeline = timeline;
		this.index = index;
	}

	String describe(Violation violation) {
		StringBuilder out = new StringBuilder();
		WriteCoverage coverage = violation.write();
		WriteOp write = coverage.write();
		int instance = violation.instance();
		String read = (violation.readKind() == ThreadHistory.GET) ? "get(" + violation.item() + ")"
				: "bucket(" + (violation.item() % this.timeline.buckets()) + ") containing item " + violation.item();
		out.append((violation.kind() == Violation.Kind.RETRY_WINDOW) ? "ADMITTED STALE" : violation.kind().name())
			.append(" READ on instance ")
			.append(instance)
			.append(" thread ")
			.append(violation.thread())
			.append(": ")
			.append(read)
			.append(" over [")
			.append(at(violation.start()))
			.append(", ")
			.append(at(violation.end()))
			.append("] returned version ")
			.append(violation.version())
			.append('\n');
		out.append("  write on instance ")
			.append(write.instance())
			.append(" thread ")
			.append(write.thread())
			.append(": increment(")
			.append(write.item())
			.append(") over [")
			.append(at(write.start()))
			.append(", ")
			.append(at(write.end()))
			.append("] created version ")
			.append(write.version())
			.append('\n');
		out.append("    invalidation ")
			.append(this.timeline.invalidation(coverage.epoch(), coverage.seq()))
			.append(coverage.retried() ? " (own attempt failed; published by a retry)" : " (applied by the writer)")
			.append(", certainly published by ")
			.append(at(coverage.publishedBy()))
			.append('\n');
		out.append("    applied on each instance at:");
		for (int i = 0; i < this.index.instances(); i++) {
			long applied = (coverage.epoch() >= 0) ? this.index.appliedAt(i, coverage.epoch(), coverage.seq())
					: Long.MAX_VALUE;
			out.append(' ').append(i).append('=').append(at(applied));
		}
		out.append('\n');
		out.append("    covered on instance ").append(instance).append(": ").append(coveredBy(coverage, instance));
		out.append('\n');
		long from = Math.min(write.start(), violation.start()) - MARGIN_NANOS;
		long to = violation.end() + MARGIN_NANOS;
		appendEvents(out, instance, violation.item(), from, to);
		appendFaults(out, from, to);
		return out.toString();
	}

	private String coveredBy(WriteCoverage coverage, int instance) {
		return switch (coverage.cause(instance)) {
			case APPLY -> "at " + at(coverage.coveredAt(instance)) + " by applying the invalidation";
			case CLEAR -> "at " + at(coverage.coveredAt(instance)) + " by a clear ("
					+ this.index.clearReason(instance, coverage.clearIndex(instance)) + ")";
			case NONE -> "never (no apply of the invalidation, no clear after it was published)";
		};
	}

	private void appendEvents(StringBuilder out, int instance, int item, long from, long to) {
		EventLog.Snapshot log = this.timeline.logs().get(instance);
		List<Event> events = new ArrayList<>();
		for (EventLog.Apply apply : log.applies()) {
			if (apply.item() == item && apply.time() >= from && apply.time() <= to) {
				events.add(new Event(apply.time(), "apply " + this.timeline.invalidation(apply.epoch(), apply.seq())
						+ " item:" + apply.item() + " (" + apply.source() + ")"));
			}
		}
		for (EventLog.Clear clear : log.clears()) {
			if (clear.time() >= from && clear.time() <= to) {
				events.add(new Event(clear.time(), "clear " + clear.reason()));
			}
		}
		events.sort(Comparator.comparingLong(Event::time));
		out.append("  instance ")
			.append(instance)
			.append(" events (applies of item ")
			.append(item)
			.append(", clears) from ")
			.append(at(from))
			.append(" to ")
			.append(at(to))
			.append(":\n");
		if (events.isEmpty()) {
			out.append("    none\n");
		}
		for (int i = 0; i < Math.min(events.size(), MAX_EVENTS); i++) {
			out.append("    ").append(at(events.get(i).time())).append("  ").append(events.get(i).text()).append('\n');
		}
		if (events.size() > MAX_EVENTS) {
			out.append("    (").append(events.size() - MAX_EVENTS).append(" more)\n");
		}
	}

	private void appendFaults(StringBuilder out, long from, long to) {
		for (FaultInjector.Injection injection : this.timeline.injections()) {
			if (injection.end() >= from - 1_000_000_000L && injection.start() <= to) {
				out.append("  fault ")
					.append(injection.fault().id())
					.append(" over [")
					.append(at(injection.start()))
					.append(", ")
					.append(at(injection.end()))
					.append("]: ")
					.append(injection.outcome())
					.append('\n');
			}
		}
	}

	private String at(long nanos) {
		return this.timeline.at(nanos);
	}

	private record Event(long time, String text) {
	}

}
