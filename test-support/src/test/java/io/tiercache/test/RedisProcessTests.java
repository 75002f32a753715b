package io.tiercache.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
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
	void aSuspendedServerAnswersOnlyOnceResumed() throws IOException {
		try (RedisProcess redis = RedisProcess.start(); Socket socket = new Socket()) {
			redis.suspend();
			assertThat(redis.isSuspended()).isTrue();
			assertThat(redis.isRunning()).isTrue();
			// the kernel still accepts connections and takes the command in
			socket.connect(new InetSocketAddress(redis.host(), redis.port()), 2000);
			socket.setSoTimeout(300);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(reader::readLine);
			redis.resume();
			assertThat(redis.isSuspended()).isFalse();
			socket.setSoTimeout(10000);
			assertThat(reader.readLine()).isEqualTo("+PONG");
		}
	}

	@Test
	void aSuspendedServerStopsAtOnce() {
		try (RedisProcess redis = RedisProcess.start()) {
			redis.suspend();
			long started = System.nanoTime();
			redis.stop();
			assertThat(redis.isRunning()).isFalse();
			assertThat(redis.isSuspended()).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
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
