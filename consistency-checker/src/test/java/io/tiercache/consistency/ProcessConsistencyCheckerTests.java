package io.tiercache.consistency;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checker runs with every instance in a process of its own, one per process fault: each
 * must end without a read staler than the documented bound while the fault demonstrably
 * happened; a writer killed during a Redis outage, which must lose invalidations without
 * the outbox (so the checker can fail) and none with it; and Redis losing acknowledged
 * invalidations, by a failover to a replica that missed them or a restart from an
 * append-only file without its last second, each followed by an instance started afresh,
 * which knows nothing of what was lost.
 */
class ProcessConsistencyCheckerTests {

	/**
	 * Many items, so that the invalidations a killed writer loses are not made good by
	 * another instance's write of the same item moments later.
	 */
	private static final CheckerOptions PROCESSES = new CheckerOptions(3, 3, Duration.ofSeconds(16), 2000, 0.15,
			List.of(), Duration.ofSeconds(5), false, true, false, CheckerOptions.Topology.STANDALONE);

	/**
	 * Proof that the run did work, not a speed goal: far below what a healthy run does
	 * (tens of thousands, a third of that on a loaded CI machine), far above a dead one.
	 */
	private static final long MINIMUM_READS = 2_000;

	@Test
	void instanceStopped() {
		ProcessRunResult result = run(List.of(Fault.SIGSTOP), false);
		assertHealthy(result, Fault.SIGSTOP);
	}

	@Test
	void instanceKilled() {
		ProcessRunResult result = run(List.of(Fault.SIGKILL), false);
		assertHealthy(result, Fault.SIGKILL);
	}

	@Test
	void instanceTerminatedDuringRedisPause() {
		ProcessRunResult result = run(List.of(Fault.SIGTERM_PAUSE), false);
		assertHealthy(result, Fault.SIGTERM_PAUSE);
	}

	@Test
	void instanceKilledDuringRedisPauseWithOutbox() {
		ProcessRunResult result = run(List.of(Fault.PAUSE_KILL), true);
		assertHealthy(result, Fault.PAUSE_KILL);
	}

	@Test
	void instanceKilledDuringRedisPauseWithoutOutboxLosesInvalidations() {
		ProcessRunResult result = run(List.of(Fault.PAUSE_KILL), false);
		assertThat(result.injected(Fault.PAUSE_KILL)).as(result.report()).isGreaterThanOrEqualTo(2);
		assertThat(result.analysis().row(Fault.PAUSE_KILL.id()).violations()).as(result.report()).isPositive();
		assertThat(result.analysis().examples()).isNotEmpty();
	}

	@Test
	void redisRestartedFromItsAppendOnlyFileWithoutItsLastSecond() {
		ProcessRunResult result = run(List.of(Fault.AOF_RESTART, Fault.SIGKILL), false);
		assertHealthy(result, Fault.AOF_RESTART);
	}

	@Test
	void sentinelFailoverToAReplicaThatMissedASecondOfInvalidations() {
		// A failover and the old master's return take several seconds each. The kill
		// comes
		// well after the promotion: an instance killed while Lettuce has not yet
		// reconnected to the new master dies with its queued invalidations, a loss only
		// the outbox prevents (pause-kill shows it).
		ProcessRunResult result = run(List.of(Fault.FAILOVER, Fault.SIGKILL), false, Duration.ofSeconds(40),
				Duration.ofSeconds(8), CheckerOptions.Topology.SENTINEL);
		assertHealthy(result, Fault.FAILOVER);
	}

	@Test
	void clusterFailoversWithAndWithoutLostWritesAndASlotMigration() {
		// Each failover takes three to four seconds, and the old master's return more.
		ProcessRunResult result = run(List.of(Fault.FAILOVER, Fault.MIGRATE, Fault.MASTER_KILL, Fault.PUBSUB_KILL),
				false, Duration.ofSeconds(40), PROCESSES.faultInterval(), CheckerOptions.Topology.CLUSTER);
		String report = result.report();
		assertThat(result.violations()).as(report).isZero();
		for (Fault fault : List.of(Fault.FAILOVER, Fault.MIGRATE, Fault.MASTER_KILL)) {
			assertThat(result.injected(fault)).as(report).isPositive();
		}
		assertThat(result.analysis().reads()).as(report).isGreaterThan(MINIMUM_READS);
		assertThat(result.analysis().failures()).as(report).isZero();
	}

	private ProcessRunResult run(List<Fault> faults, boolean outbox) {
		return run(faults, outbox, PROCESSES.duration(), PROCESSES.faultInterval(), CheckerOptions.Topology.STANDALONE);
	}

	private ProcessRunResult run(List<Fault> faults, boolean outbox, Duration duration, Duration faultInterval,
			CheckerOptions.Topology topology) {
		CheckerOptions options = new CheckerOptions(PROCESSES.instances(), PROCESSES.threads(), duration,
				PROCESSES.keyspace(), PROCESSES.writeRatio(), faults, faultInterval, false, true, outbox, topology);
		ProcessRunResult result = new ProcessRun(options).execute();
		System.out.println(result.report());
		return result;
	}

	private void assertHealthy(ProcessRunResult result, Fault fault) {
		String report = result.report();
		assertThat(result.violations()).as(report).isZero();
		assertThat(result.injected(fault)).as(report).isGreaterThanOrEqualTo(2);
		assertThat(result.analysis().reads()).as(report).isGreaterThan(MINIMUM_READS);
		assertThat(result.analysis().failures()).as(report).isZero();
	}

}
