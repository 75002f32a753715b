package io.tiercache.consistency;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of a run with instances in processes of their own.
 *
 * @param options the options of the run
 * @param analysis staleness as seen from outside, by fault
 * @param injections every fault injection, in order
 * @param elapsed how long the run took, from the workers' start to the last instance's
 * exit
 * @param directory where the histories and the instances' logs are (kept when the run
 * found a violation or a failure)
 * @param outbox what became of the outbox's rows, or empty without the outbox
 * @param origin when the workers started, {@link System#nanoTime()}
 */
record ProcessRunResult(CheckerOptions options, StalenessAnalysis.Result analysis,
		List<FaultInjector.Injection> injections, Duration elapsed, Path directory, String outbox, long origin) {

	long violations() {
		return this.analysis.violations();
	}

	long injected(Fault fault) {
		return this.injections.stream().filter((i) -> i.fault() == fault && !i.refused()).count();
	}

	/** The report: the run, then one line per fault with its stale reads and verdict. */
	String report() {
		StringBuilder out = new StringBuilder();
		out.append(String.format(
				"tiercache consistency check, instances as processes: %d instances x %d threads, %d ms, keyspace %d,"
						+ " write ratio %s, outbox %s%n",
				this.options.instances(), this.options.threads(), this.elapsed.toMillis(), this.options.keyspace(),
				this.options.writeRatio(), this.options.outbox() ? "on" : "off"));
		out.append(String.format("reads: %d item reads, writes: %d, failed ops: %d, violations: %d%n",
				this.analysis.reads(), this.analysis.writes(), this.analysis.failures(), violations()));
		if (!this.outbox.isEmpty()) {
			out.append(this.outbox).append('\n');
		}
		out.append(String.format("%-14s %9s %10s %10s %10s %10s %9s %10s%n", "fault", "injected", "stale", ">10ms",
				">100ms", ">1s", "max ms", "bound ms"));
		for (StalenessAnalysis.Row row : this.analysis.rows()) {
			String injected = row.name().equals("no fault") ? "-" : Long.toString(injected(Fault.of(row.name())));
			out.append(String.format("%-14s %9s %10d %10d %10d %10d %9d %10d%s%n", row.name(), injected, row.stale(),
					row.beyond()[0], row.beyond()[1], row.beyond()[2], row.max().toMillis(), row.bound().toMillis(),
					(row.violations() > 0) ? "  " + row.violations() + " BEYOND BOUND" : ""));
		}
		for (FaultInjector.Injection injection : this.injections) {
			out.append(String.format("%s+%.3f s %s: %s%n", injection.refused() ? "REFUSED " : "",
					(injection.start() - this.origin) / 1e9, injection.fault().id(), injection.outcome()));
		}
		for (String example : this.analysis.examples()) {
			out.append("STALE READ: ").append(example).append('\n');
		}
		if (violations() > 0 || this.analysis.failures() > 0) {
			out.append("histories and instance logs: ").append(this.directory).append('\n');
		}
		return out.toString();
	}

}
