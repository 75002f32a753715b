package io.tiercache.consistency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Checks a history against the guarantee, per message and per instance.
 * <p>
 * A read R on instance I of item e returning version v violates it if some write w of e
 * created a version above v, ended before R began, and was already covered on I before R
 * began ({@link WriteCoverage}); or if w's coverage on I is unknown and R began after w
 * ended. Reads that are stale only inside a write's delivery window are admitted, and
 * counted. A read returning a version whose write began after the read ended is
 * impossible and also reported.
 * <p>
 * Versions of an item are consecutive (one per committed write), so for each item and
 * instance one array holds, for every version v, the earliest time from which some newer
 * version must be seen: each read is then checked in constant time.
 */
final class HistoryAnalysis {

	/** Violations kept for the report; all are counted. */
	private static final int MAX_EXAMPLES = 200;

	/** Violations given a full history excerpt. */
	private static final int MAX_EXCERPTS = 10;

	private final History history;

	private final Timeline timeline;

	private final int keyspace;

	private final InvalidationIndex index;

	private final List<WriteCoverage> coverages;

	HistoryAnalysis(History history, Timeline timeline, int keyspace) {
		this.history = history;
		this.timeline = timeline;
		this.keyspace = keyspace;
		this.index = new InvalidationIndex(timeline.logs());
		this.coverages = WriteCoverage.of(history.writes(), this.index);
	}

	/**
	 * Number of (write, instance) pairs not covered yet: the run drains until this is
	 * zero.
	 */
	long uncoveredPairs() {
		long uncovered = 0;
		for (WriteCoverage coverage : this.coverages) {
			for (int i = 0; i < this.index.instances(); i++) {
				if (coverage.coveredAt(i) == WriteCoverage.UNKNOWN) {
					uncovered++;
				}
			}
		}
		return uncovered;
	}

	Analysis analyze() {
		int instances = this.index.instances();
		ItemVersions[] items = new ItemVersions[this.keyspace];
		List<List<WriteCoverage>> byItem = new ArrayList<>();
		for (int item = 0; item < this.keyspace; item++) {
			byItem.add(new ArrayList<>());
		}
		for (WriteCoverage coverage : this.coverages) {
			byItem.get(coverage.write().item()).add(coverage);
		}
		for (int item = 0; item < this.keyspace; item++) {
			items[item] = new ItemVersions(byItem.get(item), instances);
		}
		ReadChecker checker = new ReadChecker(items);
		this.history.forEachRead(checker);
		Samples window = new Samples();
		Samples remoteWindow = new Samples();
		long uncovered = 0;
		long retried = 0;
		long unannounced = 0;
		for (WriteCoverage coverage : this.coverages) {
			retried += coverage.retried() ? 1 : 0;
			unannounced += (coverage.epoch() < 0) ? 1 : 0;
			for (int i = 0; i < instances; i++) {
				long covered = coverage.coveredAt(i);
				if (covered == WriteCoverage.UNKNOWN) {
					uncovered++;
					continue;
				}
				long micros = Math.max(0, covered - coverage.write().end()) / 1000;
				window.add(micros);
				if (i != coverage.write().instance()) {
					remoteWindow.add(micros);
				}
			}
		}
		return new Analysis(this.history.gets(), this.history.lists(), this.history.itemReads(), this.coverages.size(),
				retried, unannounced, checker.violations, examples(checker.examples), checker.staleWithinWindow,
				checker.staleAfterRetriedWrite, checker.staleOnWriterAfterRetry,
				describe(checker.retryWindowExamples()), checker.unexplained, window.distribution(),
				remoteWindow.distribution(), uncovered);
	}

	private List<Violation> describe(List<Violation> violations) {
		Excerpts excerpts = new Excerpts(this.timeline, this.index);
		return violations.stream().map((violation) -> violation.withExcerpt(excerpts.describe(violation))).toList();
	}

	private List<Violation> examples(List<Violation> examples) {
		examples.sort(Comparator.comparingLong(Violation::start));
		Excerpts excerpts = new Excerpts(this.timeline, this.index);
		List<Violation> described = new ArrayList<>(examples.size());
		for (int i = 0; i < examples.size(); i++) {
			Violation violation = examples.get(i);
			described.add((i < MAX_EXCERPTS) ? violation.withExcerpt(excerpts.describe(violation)) : violation);
		}
		return described;
	}

	/**
	 * The writes of one item by version, and for every version v and instance the
	 * earliest time from which a read on that instance must return more than v.
	 */
	private static final class ItemVersions {

		private final WriteCoverage[] byVersion;

		private final long[][] mustSeeNewerFrom;

		private final int[][] mustSeeNewerWrite;

		private final long[] newerEndedAt;

		private final int[] newerEndedWrite;

		ItemVersions(List<WriteCoverage> writes, int instances) {
			int max = 0;
			for (WriteCoverage write : writes) {
				max = (int) Math.max(max, write.write().version());
			}
			this.byVersion = new WriteCoverage[max + 1];
			for (WriteCoverage write : writes) {
				this.byVersion[(int) write.write().version()] = write;
			}
			this.mustSeeNewerFrom = new long[instances][max + 1];
			this.mustSeeNewerWrite = new int[instances][max + 1];
			this.newerEndedAt = new long[max + 1];
			this.newerEndedWrite = new int[max + 1];
			for (int i = 0; i < instances; i++) {
				suffixMinimum(this.mustSeeNewerFrom[i], this.mustSeeNewerWrite[i], i);
			}
			suffixMinimum(this.newerEndedAt, this.newerEndedWrite, -1);
		}

		private void suffixMinimum(long[] times, int[] versions, int instance) {
			int max = times.length - 1;
			times[max] = Long.MAX_VALUE;
			versions[max] = -1;
			for (int v = max - 1; v >= 0; v--) {
				WriteCoverage next = this.byVersion[v + 1];
				long time = (next == null) ? Long.MAX_VALUE
						: (instance >= 0) ? next.mustBeSeenFrom(instance) : next.write().end();
				if (time < times[v + 1]) {
					times[v] = time;
					versions[v] = v + 1;
				}
				else {
					times[v] = times[v + 1];
					versions[v] = versions[v + 1];
				}
			}
		}

		int maxVersion() {
			return this.byVersion.length - 1;
		}

	}

	/** Checks every item read against the item's versions. */
	private static final class ReadChecker implements ThreadHistory.ReadVisitor {

		private final ItemVersions[] items;

		private final List<Violation> examples = new ArrayList<>();

		private long violations;

		private long staleWithinWindow;

		private long staleAfterRetriedWrite;

		private long staleOnWriterAfterRetry;

		private @Nullable Violation retryWindowOnWriter;

		private @Nullable Violation retryWindowElsewhere;

		private long unexplained;

		ReadChecker(ItemVersions[] items) {
			this.items = items;
		}

		@Override
		public void read(int kind, int instance, int thread, int item, long version, long start, long end) {
			ItemVersions versions = (item >= 0 && item < this.items.length) ? this.items[item] : null;
			if (versions == null || version > versions.maxVersion()
					|| (version > 0 && versions.byVersion[(int) version] == null)) {
				this.unexplained++;
				return;
			}
			int v = (int) version;
			WriteCoverage created = versions.byVersion[v];
			if (created != null && created.write().start() > end) {
				violation(new Violation(Violation.Kind.FUTURE, kind, instance, thread, item, version, start, end,
						created, null));
			}
			if (versions.mustSeeNewerFrom[instance][v] < start) {
				WriteCoverage newer = versions.byVersion[versions.mustSeeNewerWrite[instance][v]];
				violation(new Violation(Violation.Kind.STALE, kind, instance, thread, item, version, start, end, newer,
						null));
			}
			else if (versions.newerEndedAt[v] < start) {
				this.staleWithinWindow++;
				WriteCoverage newer = versions.byVersion[versions.newerEndedWrite[v]];
				if (newer.retried()) {
					this.staleAfterRetriedWrite++;
					Violation admitted = new Violation(Violation.Kind.RETRY_WINDOW, kind, instance, thread, item,
							version, start, end, newer, null);
					if (newer.write().instance() == instance) {
						this.staleOnWriterAfterRetry++;
						this.retryWindowOnWriter = (this.retryWindowOnWriter != null) ? this.retryWindowOnWriter
								: admitted;
					}
					else {
						this.retryWindowElsewhere = (this.retryWindowElsewhere != null) ? this.retryWindowElsewhere
								: admitted;
					}
				}
			}
		}

		List<Violation> retryWindowExamples() {
			List<Violation> examples = new ArrayList<>();
			if (this.retryWindowOnWriter != null) {
				examples.add(this.retryWindowOnWriter);
			}
			if (this.retryWindowElsewhere != null) {
				examples.add(this.retryWindowElsewhere);
			}
			return examples;
		}

		private void violation(Violation violation) {
			this.violations++;
			if (this.examples.size() < MAX_EXAMPLES) {
				this.examples.add(violation);
			}
		}

	}

}
