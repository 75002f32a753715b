package io.tiercache.test;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RedisProcessTests {

	@Test
	void anAppendOnlyServerRestartsFromItsFileWithANewRunId() {
		try (RedisProcess redis = RedisProcess.appendOnly()) {
			assertThat(redis.command("CONFIG", "GET", "appendfsync")).asString().contains("everysec");
			redis.command("SET", "kept", "1");
			String runId = redis.info("server", "run_id");
			redis.kill();
			assertThat(redis.isRunning()).isFalse();
			redis.startAgain();
			assertThat(redis.command("GET", "kept")).isEqualTo("1");
			assertThat(redis.info("server", "run_id")).isNotEqualTo(runId).hasSize(40);
		}
	}

	@Test
	void killingLosingTheLastWritesKeepsWhatCameBefore() {
		try (RedisProcess redis = RedisProcess.appendOnly()) {
			redis.command("SET", "kept", "1");
			long length = redis.appendOnlyLength();
			redis.command("SET", "lost", "2");
			redis.command("SET", "kept", "3");
			assertThat(redis.appendOnlyLength()).isGreaterThan(length);
			redis.killLosingWritesAfter(length);
			redis.startAgain();
			assertThat(redis.command("GET", "kept")).isEqualTo("1");
			assertThat(redis.command("GET", "lost")).isNull();
		}
	}

	@Test
	void closeKillsTheProcessAndDeletesItsDirectory() {
		RedisProcess redis = RedisProcess.start();
		Path directory = redis.directory();
		assertThat(directory).isDirectory();
		redis.close();
		assertThat(redis.isRunning()).isFalse();
		assertThat(directory).doesNotExist();
		assertThatIllegalStateException().isThrownBy(redis::startAgain).withMessageContaining("has been closed");
	}

	@Test
	void aServerThatCannotStartFailsAtOnceWithItsLog() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisProcess.start("redis", EmbeddedRedis.freePort(),
					java.util.List.of("no-such-setting yes"), false))
			.withMessageContaining("exited at start")
			.withMessageContaining("no-such-setting");
	}

}
