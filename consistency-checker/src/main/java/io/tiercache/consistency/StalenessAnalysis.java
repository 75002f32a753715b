package io.tiercache.consistency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * What a user of the application would see, judged from the outside: a read is stale by
 * the time from the end of the first completed write that made its version old to the
 * start of the read; a read that began before that write ended is not stale, whatever it
 * returned. It needs nothing from inside the instances, only the histories that instances
 * running as processes of their own leave in files, even when killed.
 * <p>
 * Each stale read is put down to the fault in force when the write that made it stale
 * ended (from a little before the injection to a settle time after it), or to no fault,
 * and counted beyond 10 ms, 100 ms and 1 s; a read staler than the bound the
 * configuration under test documents for that fault is a violation.
 */
final class StalenessAnalysis {

	/** Stale reads are counted beyond each of these. */
	static final List<Duration> THRESHOLDS = List.of(Duration.ofMillis(10), Duration.ofMillis(100),
			Duration.ofSeconds(1));

	/** A write ending this long before an injection is already under its influence. */
	private static final Duration LEAD = Duration.ofMillis(100);

	/** Writes ending this long after an injection ended are still under its influence. */
	private static final Duration SETTLE = Duration.ofSeconds(2);

	private static final int EXAMPLES = 5;

	private static final String NO_FAULT = "no fault";

	/**
	 * The bounds the configuration under test documents.
	 *
	 * @param trust {@code tiercache.local.max-unconfirmed}: longest a process serves its
	 * local tier unconfirmed
	 * @param recovery longest a queued invalidation takes to reach Redis once Redis
	 * answers: the retry's longest delay plus one command timeout
	 * @param relay {@code tiercache.outbox.relay-delay} plus its poll interval, plus a
	 * lease (a relay killed in its round delays its rows by one)
	 * @param outbox whether invalidations go through the outbox
	 */
	record Bounds(Duration trust, Duration recovery, Duration relay, boolean outbox) {

		/**
		 * The documented bound of staleness under a fault. With no fault, and under
		 * faults that make no command fail, the trust bound. Under a fault that makes
		 * commands fail (connections killed, a restart, a pause or sleep, memory
		 * refused), a writer's invalidation that failed waits in its memory until its
		 * breaker lets it reach Redis again, while another process may already read the
		 * entries it kills: the fault's length, plus the recovery, plus the trust bound.
		 * The length of a failover, a migration or a restart from the append-only file is
		 * the time it took as injected, since tiercache's slot has no master (or answers
		 * {@code MOVED} and {@code ASK}) until the promotion, the migration's end or the
		 * restart. A process woken from {@code SIGSTOP} finds the commands it had in
		 * flight timed out, so the same holds without the length. For a writer killed
		 * during a pause, the outbox adds the relay's delay; without the outbox its
		 * invalidations are lost and the bound is the entry's time to live: the checker
		 * holds the run to what a surviving writer achieves, so that the loss shows.
		 * @param injection the fault as injected, or {@code null} for none
		 * @return the bound
		 */
		Duration of(FaultInjector.@Nullable Injection injection) {
			if (injection == null) {
				return this.trust;
			}
			Fault fault = injection.fault();
			Duration outage = fault.hold().plus(this.recovery).plus(this.trust);
			return switch (fault) {
				case PUBSUB_KILL, FLUSHALL, DROP, SIGKILL -> this.trust;
				case SIGSTOP -> this.recovery.plus(this.trust);
				case KILL_ALL, RESTART, PAUSE, SLEEP, MEMORY, SIGTERM_PAUSE -> outage;
				case PAUSE_KILL -> this.outbox ? outage.plus(this.relay) : outage;
				case FAILOVER, AOF_RESTART, MASTER_KILL, MIGRATE ->
					Duration.ofNanos(injection.end() - injection.start()).plus(this.recovery).plus(this.trust);
			};
		}

	}

	/**
	 * Stale reads put down to one fault, or to none.
	 *
	 * @param name the fault's id, or {@value #NO_FAULT}
	 * @param bound the documented bound
	 * @param stale reads stale by any time
	 * @param beyond reads stale beyond each of {@link #THRESHOLDS}
	 * @param max the stalest
	 * @param violations reads stale beyond the bound
	 */
	record Row(String name, Duration bound, long stale, long[] beyond, Duration max, long violations) {
	}

	/**
	 * The outcome.
	 *
	 * @param reads item reads
	 * @param writes completed writes
	 * @param failures operations that threw
	 * @param rows stale reads by fault, no fault first
	 * @param examples the first violations, described
	 */
	record Result(long reads, long writes, long failures, List<Row> rows, List<String> examples) {

		long violations() {
			return this.rows.stream().mapToLong(Row::violations).sum();
		}

		Row row(String name) {
			return this.rows.stream()
				.filter((row) -> row.name().equals(name))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("No row " + name));
		}

	}

	/** The first writes known to end after each version of an item, by version. */
	private static final class ItemWrites {

		private long[] ends = new long[0];

		private int[] writers = new int[0];

		void add(long version, long end, int writer) {
			int v = (int) version;
			if (v >= this.ends.length) {
				int size = Math.max(v + 1, this.ends.length * 2);
				int old = this.ends.length;
				this.ends = Arrays.copyOf(this.ends, size);
				this.writers = Arrays.copyOf(this.writers, size);
				Arrays.fill(this.ends, old, size, Long.MAX_VALUE);
			}
			this.ends[v] = end;
			this.writers[v] = writer;
		}

		/**
		 * Turn "the write that created version v ended at" into "the first write that
		 * made version v old ended at", for every v: the earliest end among the writes of
		 * higher versions (a write's record may be lost with its killed process).
		 */
		void seal() {
			long earliest = Long.MAX_VALUE;
			int writer = -1;
			for (int v = this.ends.length - 1; v >= 0; v--) {
				long end = this.ends[v];
				int by = this.writers[v];
				this.ends[v] = earliest;
				this.writers[v] = writer;
				if (end != Long.MAX_VALUE && (earliest == Long.MAX_VALUE || end - earliest < 0)) {
					earliest = end;
					writer = by;
				}
			}
		}

		long supersededAt(long version) {
			return (version < this.ends.length) ? this.ends[(int) version] : Long.MAX_VALUE;
		}

		int supersededBy(long version) {
			return this.writers[(int) version];
		}

	}

	private final long origin;

	private final List<FaultInjector.Injection> injections;

	private final Bounds bounds;

	private final Map<Integer, ItemWrites> writes = new HashMap<>();

	private final Map<String, long[]> counts = new LinkedHashMap<>();

	private final Map<String, Long> maxima = new HashMap<>();

	private final List<String> examples = new ArrayList<>();

	private long reads;

	private long writeCount;

	private long failures;

	private StalenessAnalysis(long origin, List<FaultInjector.Injection> injections, Bounds bounds) {
		this.origin = origin;
		this.injections = injections;
		this.bounds = bounds;
	}

	/**
	 * Analyse the histories a run left in its directory.
	 * @param directory the run directory
	 * @param origin when the workers started
	 * @param injections the faults injected
	 * @param bounds the documented bounds
	 * @return the outcome
	 */
	static Result analyze(Path directory, long origin, List<FaultInjector.Injection> injections, Bounds bounds) {
		StalenessAnalysis analysis = new StalenessAnalysis(origin, injections, bounds);
		List<Path> files = historyFiles(directory);
		for (Path file : files) {
			int instance = instanceOf(file);
			HistoryFile.read(file, analysis.writeCollector(instance));
		}
		analysis.writes.values().forEach(ItemWrites::seal);
		for (Path file : files) {
			int instance = instanceOf(file);
			HistoryFile.read(file, analysis.readChecker(instance));
		}
		return analysis.result();
	}

	private HistoryFile.Visitor writeCollector(int instance) {
		return new HistoryFile.Visitor() {

			@Override
			public void read(int item, long version, long start, long end) {
			}

			@Override
			public void write(int item, long version, long start, long end) {
				StalenessAnalysis.this.writes.computeIfAbsent(item, (i) -> new ItemWrites())
					.add(version, end, instance);
				StalenessAnalysis.this.writeCount++;
			}

			@Override
			public void failed() {
				StalenessAnalysis.this.failures++;
			}

		};
	}

	private HistoryFile.Visitor readChecker(int instance) {
		return new HistoryFile.Visitor() {

			@Override
			public void read(int item, long version, long start, long end) {
				StalenessAnalysis.this.reads++;
				check(instance, item, version, start);
			}

			@Override
			public void write(int item, long version, long start, long end) {
			}

			@Override
			public void failed() {
			}

		};
	}

	private void check(int instance, int item, long version, long start) {
		ItemWrites itemWrites = this.writes.get(item);
		if (itemWrites == null) {
			return;
		}
		long superseded = itemWrites.supersededAt(version);
		if (superseded == Long.MAX_VALUE || start - superseded <= 0) {
			return;
		}
		long staleness = start - superseded;
		FaultInjector.Injection cause = causeOf(superseded);
		String name = (cause != null) ? cause.fault().id() : NO_FAULT;
		long[] row = this.counts.computeIfAbsent(name, (n) -> new long[THRESHOLDS.size() + 2]);
		row[0]++;
		for (int i = 0; i < THRESHOLDS.size(); i++) {
			if (staleness > THRESHOLDS.get(i).toNanos()) {
				row[i + 1]++;
			}
		}
		this.maxima.merge(name, staleness, Math::max);
		Duration bound = this.bounds.of(cause);
		if (staleness > bound.toNanos()) {
			row[THRESHOLDS.size() + 1]++;
			if (this.examples.size() < EXAMPLES) {
				this.examples.add(String.format(
						"instance %d read item %d version %d at %s, %d ms after instance %d's write of a newer"
								+ " version ended (%s, bound %d ms)",
						instance, item, version, at(start), Duration.ofNanos(staleness).toMillis(),
						itemWrites.supersededBy(version),
						(cause != null)
								? cause.fault().id() + " injected at " + at(cause.start()) + ": " + cause.outcome()
								: NO_FAULT,
						bound.toMillis()));
			}
		}
	}

	private FaultInjector.@Nullable Injection causeOf(long writeEnd) {
		FaultInjector.Injection cause = null;
		for (FaultInjector.Injection injection : this.injections) {
			if (injection.refused()) {
				continue;
			}
			boolean after = writeEnd - (injection.start() - LEAD.toNanos()) >= 0;
			boolean before = writeEnd - (injection.end() + SETTLE.toNanos()) <= 0;
			if (after && before) {
				cause = injection;
			}
		}
		return cause;
	}

	private String at(long nanos) {
		return String.format("+%.3f s", (nanos - this.origin) / 1e9);
	}

	private Result result() {
		List<Row> rows = new ArrayList<>();
		rows.add(row(NO_FAULT, this.bounds.of(null)));
		for (Fault fault : Fault.values()) {
			// The widest bound of its injections: some are as long as they took.
			this.injections.stream()
				.filter((injection) -> injection.fault() == fault && !injection.refused())
				.map(this.bounds::of)
				.max(Duration::compareTo)
				.ifPresent((bound) -> rows.add(row(fault.id(), bound)));
		}
		return new Result(this.reads, this.writeCount, this.failures, rows, List.copyOf(this.examples));
	}

	private Row row(String name, Duration bound) {
		long[] counts = this.counts.getOrDefault(name, new long[THRESHOLDS.size() + 2]);
		return new Row(name, bound, counts[0], Arrays.copyOfRange(counts, 1, THRESHOLDS.size() + 1),
				Duration.ofNanos(this.maxima.getOrDefault(name, 0L)), counts[THRESHOLDS.size() + 1]);
	}

	private static List<Path> historyFiles(Path directory) {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter((file) -> file.getFileName().toString().startsWith("history-")).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int instanceOf(Path file) {
		// history-<index>-<incarnation>-<thread>.bin
		return Integer.parseInt(file.getFileName().toString().split("-")[1]);
	}

}
