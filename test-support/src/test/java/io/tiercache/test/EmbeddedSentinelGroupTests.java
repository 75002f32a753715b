package io.tiercache.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedSentinelGroupTests {

	@Test
	void aSentinelGroupFailsOverToTheReplica() {
		try (EmbeddedSentinelGroup group = EmbeddedSentinelGroup.start()) {
			group.master().command("SET", "replicated", "1");
			group.awaitReplicaInSync(Duration.ofSeconds(10));
			group.cutReplication();
			group.master().command("SET", "lost", "2");
			group.killMaster();
			RedisProcess promoted = group.awaitFailover(Duration.ofSeconds(30));
			assertThat(promoted.command("GET", "replicated")).isEqualTo("1");
			assertThat(promoted.command("GET", "lost")).isNull();
			assertThat(promoted.command("SET", "writable", "yes")).isEqualTo("OK");
		}
	}

	@Test
	void replicationCutCanBeRestored() {
		try (EmbeddedSentinelGroup group = EmbeddedSentinelGroup.start()) {
			group.cutReplication();
			group.master().command("SET", "late", "1");
			assertThat(group.replica().command("GET", "late")).isNull();
			group.restoreReplication();
			group.awaitReplicaInSync(Duration.ofSeconds(10));
			assertThat(group.replica().command("GET", "late")).isEqualTo("1");
		}
	}

}
