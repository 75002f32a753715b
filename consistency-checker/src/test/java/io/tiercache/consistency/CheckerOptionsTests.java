package io.tiercache.consistency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which faults a run can take depends on where its instances and its Redis run: the
 * options say so before anything starts, naming the option that is missing.
 */
class CheckerOptionsTests {

	@Test
	void allFaultsOfASentinelRunIncludeTheFailoverAndNoRestartOfOneServer() {
		CheckerOptions options = CheckerOptions.parse("--processes", "--sentinel", "--faults", "all");
		assertThat(options.topology()).isEqualTo(CheckerOptions.Topology.SENTINEL);
		assertThat(options.faults()).contains(Fault.FAILOVER, Fault.SIGKILL, Fault.PAUSE_KILL)
			.doesNotContain(Fault.RESTART, Fault.AOF_RESTART, Fault.DROP, Fault.MIGRATE, Fault.MASTER_KILL);
	}

	@Test
	void allFaultsOfAClusterRunIncludeItsFailoversTheMigrationAndTheRestartOfANode() {
		CheckerOptions options = CheckerOptions.parse("--processes", "--cluster", "--faults", "all");
		assertThat(options.topology()).isEqualTo(CheckerOptions.Topology.CLUSTER);
		assertThat(options.faults())
			.contains(Fault.FAILOVER, Fault.MASTER_KILL, Fault.MIGRATE, Fault.RESTART, Fault.PUBSUB_KILL, Fault.SIGKILL)
			.doesNotContain(Fault.AOF_RESTART, Fault.DROP);
	}

	@Test
	void aSentinelGroupAndAClusterAreRefusedTogether() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CheckerOptions.parse("--processes", "--sentinel", "--cluster"))
			.withMessageContaining("choose one");
	}

	@Test
	void aMigrationOfOneServerIsRefusedNamingTheOption() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CheckerOptions.parse("--processes", "--sentinel", "--faults", "migrate"))
			.withMessageContaining("--cluster");
	}

	@Test
	void allFaultsOfAProcessRunOnOneServerIncludeTheRestartFromItsAppendOnlyFile() {
		CheckerOptions options = CheckerOptions.parse("--processes", "--faults", "all");
		assertThat(options.faults()).contains(Fault.AOF_RESTART, Fault.RESTART, Fault.SIGSTOP)
			.doesNotContain(Fault.FAILOVER, Fault.DROP, Fault.MIGRATE);
	}

	@Test
	void allFaultsOfAnInProcessRunAreThoseOfOneServerAndTheDroppedMessages() {
		CheckerOptions options = CheckerOptions.parse("--faults", "all");
		assertThat(options.faults()).contains(Fault.RESTART, Fault.DROP)
			.doesNotContain(Fault.FAILOVER, Fault.AOF_RESTART, Fault.SIGKILL);
	}

	@Test
	void aFailoverWithoutASentinelGroupIsRefusedNamingTheOptions() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CheckerOptions.parse("--processes", "--faults", "failover"))
			.withMessageContaining("--sentinel");
	}

	@Test
	void aRestartFromTheAppendOnlyFileOfASentinelGroupIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CheckerOptions.parse("--processes", "--sentinel", "--faults", "aof-restart"))
			.withMessageContaining("leave out --sentinel");
	}

	@Test
	void aSentinelGroupNeedsInstancesAsProcesses() {
		assertThatIllegalArgumentException().isThrownBy(() -> CheckerOptions.parse("--sentinel"))
			.withMessageContaining("--processes");
	}

}
