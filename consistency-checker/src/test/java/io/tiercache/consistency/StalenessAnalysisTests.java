package io.tiercache.consistency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outside view on hand-made history files: a read is stale from the end of the first
 * completed write of a newer version, is put down to the fault around that write, and is
 * a violation beyond that fault's bound; files cut short by a kill are read up to their
 * last whole record.
 */
class StalenessAnalysisTests {

	private static final long MS = 1_000_000L;

	private static final StalenessAnalysis.Bounds BOUNDS = new StalenessAnalysis.Bounds(Duration.ofMillis(200),
			Duration.ofMillis(1100), Duration.ofMillis(700), false);

	@TempDir
	Path directory;

	@Test
	void aReadThatBeganBeforeTheWriteEndedIsNotStale() {
		try (HistoryFile.Writer writer = writer(0)) {
			writer.write(1, 1, 100 * MS, 110 * MS, WriteCapture.open());
			writer.get(new Item(1, 0, 0), 105 * MS, 120 * MS);
		}
		StalenessAnalysis.Result result = analyze(List.of());
		assertThat(result.reads()).isEqualTo(1);
		assertThat(result.writes()).isEqualTo(1);
		assertThat(result.row("no fault").stale()).isZero();
	}

	@Test
	void stalenessIsCountedFromTheEarliestEndOfANewerWrite() {
		try (HistoryFile.Writer a = writer(0); HistoryFile.Writer b = writer(1)) {
			// Version 2 ended before version 1's record: version 1's record was lost, or
			// its writer was slow to return.
			a.write(1, 2, 100 * MS, 110 * MS, WriteCapture.open());
			b.get(new Item(1, 0, 0), 160 * MS, 161 * MS);
			b.list(List.of(new Item(1, 0, 0), new Item(2, 0, 0)), 450 * MS, 451 * MS);
		}
		StalenessAnalysis.Result result = analyze(List.of());
		StalenessAnalysis.Row row = result.row("no fault");
		assertThat(result.reads()).isEqualTo(3);
		assertThat(row.stale()).isEqualTo(2);
		assertThat(row.beyond()).containsExactly(2, 1, 0);
		assertThat(row.max()).isEqualTo(Duration.ofMillis(340));
		assertThat(row.violations()).isEqualTo(1);
		assertThat(result.examples()).singleElement().asString().contains("item 1 version 0", "340 ms");
	}

	@Test
	void aStaleReadIsJudgedByTheBoundOfTheFaultAroundItsWrite() {
		FaultInjector.Injection pause = new FaultInjector.Injection(1000 * MS, 2500 * MS, Fault.SIGTERM_PAUSE, "paused",
				false);
		try (HistoryFile.Writer writer = writer(0)) {
			writer.write(1, 1, 1100 * MS, 1200 * MS, WriteCapture.open());
			writer.get(new Item(1, 0, 0), 3200 * MS, 3201 * MS);
			writer.write(2, 1, 9000 * MS, 9001 * MS, WriteCapture.open());
			writer.get(new Item(2, 0, 0), 10000 * MS, 10001 * MS);
		}
		StalenessAnalysis.Result result = analyze(List.of(pause));
		// 2000 ms after a write during the pause: within 1500 + 1100 + 200 ms
		assertThat(result.row(Fault.SIGTERM_PAUSE.id()).stale()).isEqualTo(1);
		assertThat(result.row(Fault.SIGTERM_PAUSE.id()).bound()).isEqualTo(Duration.ofMillis(2800));
		assertThat(result.row(Fault.SIGTERM_PAUSE.id()).violations()).isZero();
		// 999 ms after a write long after it: beyond the trust bound
		assertThat(result.row("no fault").violations()).isEqualTo(1);
		assertThat(result.violations()).isEqualTo(1);
	}

	@Test
	void theOutboxExtendsTheBoundOfAWriterKilledDuringAPauseByTheRelay() {
		StalenessAnalysis.Bounds outbox = new StalenessAnalysis.Bounds(Duration.ofMillis(200), Duration.ofMillis(1100),
				Duration.ofMillis(700), true);
		assertThat(BOUNDS.of(injected(Fault.PAUSE_KILL, 1500))).isEqualTo(Duration.ofMillis(2800));
		assertThat(outbox.of(injected(Fault.PAUSE_KILL, 1500))).isEqualTo(Duration.ofMillis(3500));
		assertThat(outbox.of(injected(Fault.SIGSTOP, 2000))).isEqualTo(Duration.ofMillis(1300));
		assertThat(outbox.of(injected(Fault.SIGKILL, 300))).isEqualTo(Duration.ofMillis(200));
		assertThat(outbox.of(null)).isEqualTo(Duration.ofMillis(200));
	}

	@Test
	void aFailoverOrARestartFromTheAppendOnlyFileIsBoundedByHowLongItTook() {
		// Redis is gone until the promotion or the restart: however long that took
		assertThat(BOUNDS.of(injected(Fault.FAILOVER, 4200))).isEqualTo(Duration.ofMillis(4200 + 1100 + 200));
		assertThat(BOUNDS.of(injected(Fault.AOF_RESTART, 1300))).isEqualTo(Duration.ofMillis(1300 + 1100 + 200));
	}

	@Test
	void aFaultsRowHasTheWidestBoundOfItsInjections() throws IOException {
		try (HistoryFile.Writer writer = writer(0)) {
			writer.write(1, 1, 100 * MS, 110 * MS, WriteCapture.open());
		}
		StalenessAnalysis.Result result = analyze(
				List.of(injectedAt(Fault.FAILOVER, 1000, 3000), injectedAt(Fault.FAILOVER, 8000, 5000)));
		assertThat(result.row(Fault.FAILOVER.id()).bound()).isEqualTo(Duration.ofMillis(5000 + 1100 + 200));
	}

	private static FaultInjector.Injection injected(Fault fault, long millis) {
		return injectedAt(fault, 0, millis);
	}

	private static FaultInjector.Injection injectedAt(Fault fault, long startMillis, long millis) {
		return new FaultInjector.Injection(startMillis * MS, (startMillis + millis) * MS, fault, "injected", false);
	}

	@Test
	void aFileCutShortByAKillIsReadUpToItsLastWholeRecord() throws IOException {
		try (HistoryFile.Writer writer = writer(0)) {
			writer.write(1, 1, 100 * MS, 110 * MS, WriteCapture.open());
			writer.get(new Item(1, 0, 0), 900 * MS, 901 * MS);
		}
		Path file = this.directory.resolve(InstanceMain.historyFileName(0, 0, 0));
		byte[] bytes = Files.readAllBytes(file);
		// Half of a list record that would have read item 1 at version 0 once more
		Files.write(file, new byte[] { 2, 0, 0, 0 }, StandardOpenOption.APPEND);
		assertThat(Files.size(file)).isEqualTo(bytes.length + 4);
		StalenessAnalysis.Result result = analyze(List.of());
		assertThat(result.reads()).isEqualTo(1);
		assertThat(result.row("no fault").violations()).isEqualTo(1);
	}

	private HistoryFile.Writer writer(int instance) {
		return new HistoryFile.Writer(this.directory.resolve(InstanceMain.historyFileName(instance, 0, 0)));
	}

	private StalenessAnalysis.Result analyze(List<FaultInjector.Injection> injections) {
		return StalenessAnalysis.analyze(this.directory, 0, injections, BOUNDS);
	}

}
