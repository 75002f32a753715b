package io.tiercache.test;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
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

	@Test
	void aRestoredReplicaAcknowledgesWritesAsWaitCountsThem() {
		try (EmbeddedSentinelGroup group = EmbeddedSentinelGroup.start()) {
			RedisClient client = RedisClient.create("redis://" + group.master().host() + ":" + group.master().port());
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				RedisCommands<String, String> commands = connection.sync();
				// Several rounds: a replica that fell back to SYNC in one of them would
				// receive the writes but never be counted by WAIT.
				for (int round = 0; round < 3; round++) {
					group.cutReplication();
					commands.set("cut", Integer.toString(round));
					assertThat(commands.waitForReplication(1, 200)).isZero();
					group.restoreReplication();
					commands.set("restored", Integer.toString(round));
					assertThat(commands.waitForReplication(1, 5000)).isEqualTo(1);
				}
			}
			finally {
				client.shutdown();
			}
		}
	}

}
