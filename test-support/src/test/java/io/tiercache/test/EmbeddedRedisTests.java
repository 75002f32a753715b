package io.tiercache.test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class EmbeddedRedisTests {

	private final TestClients clients = new TestClients();

	@AfterEach
	void closeClients() {
		this.clients.close();
	}

	@Test
	void startsWithoutPersistenceInADirectoryUnderTarget() {
		Path directory;
		try (EmbeddedRedis redis = EmbeddedRedis.start()) {
			assertThat(redis.isRunning()).isTrue();
			directory = redis.directory();
			assertThat(directory).startsWith(Paths.get("target").toAbsolutePath()).isDirectory();
			RedisCommands<String, String> commands = this.clients.connect(redis.uri()).sync();
			assertThat(commands.configGet("save", "appendonly", "dir", "enable-debug-command", "bind"))
				.isEqualTo(Map.of("save", "", "appendonly", "no", "dir", directory.toString(), "enable-debug-command",
						"yes", "bind", "127.0.0.1"));
		}
		assertThat(directory).doesNotExist();
	}

	@Test
	void closeStopsTheServer() {
		EmbeddedRedis redis = EmbeddedRedis.start();
		redis.close();
		assertThat(redis.isRunning()).isFalse();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(redis.port()));
		assertThatIllegalStateException().isThrownBy(redis::startAgain).withMessageContaining("has been closed");
	}

	@Test
	void startAgainUsesTheSamePortWithoutData() {
		try (EmbeddedRedis redis = EmbeddedRedis.start()) {
			this.clients.connect(redis.uri()).sync().set("key", "value");
			redis.stop();
			assertThat(redis.isRunning()).isFalse();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(redis.port()));
			redis.startAgain();
			assertThat(redis.isRunning()).isTrue();
			RedisCommands<String, String> commands = this.clients.connect(redis.uri()).sync();
			assertThat(commands.ping()).isEqualTo("PONG");
			assertThat(commands.dbsize()).isZero();
		}
	}

	@Test
	void startAgainRecoversFromACrash() {
		try (EmbeddedRedis redis = EmbeddedRedis.start()) {
			String info = this.clients.connect(redis.uri()).sync().info("server");
			long pid = info.lines()
				.filter((line) -> line.startsWith("process_id:"))
				.mapToLong((line) -> Long.parseLong(line.substring("process_id:".length()).trim()))
				.findFirst()
				.orElseThrow();
			ProcessHandle.of(pid).orElseThrow().destroyForcibly();
			await().atMost(Duration.ofSeconds(5)).until(() -> !redis.isRunning());
			redis.startAgain();
			assertThat(redis.isRunning()).isTrue();
			assertThat(this.clients.connect(redis.uri()).sync().ping()).isEqualTo("PONG");
		}
	}

	@Test
	void startAgainFailsWhenThePortWasTakenMeanwhile() throws IOException {
		try (EmbeddedRedis redis = EmbeddedRedis.start()) {
			redis.stop();
			try (ServerSocket taken = new ServerSocket(redis.port(), 1, InetAddress.getByName("127.0.0.1"))) {
				assertThatIllegalStateException().isThrownBy(redis::startAgain)
					.withMessageContaining("port " + redis.port())
					.withMessageContaining("already in use");
			}
			redis.startAgain();
			assertThat(redis.isRunning()).isTrue();
		}
	}

	@Test
	void startOnATakenPortFailsLoudly() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThatIllegalStateException().isThrownBy(() -> EmbeddedRedis.start(taken.getLocalPort()))
				.withMessageContaining("port " + taken.getLocalPort())
				.withMessageContaining("already in use");
		}
	}

	@Test
	void startRetriesOnAnotherPortWhenTheFreePortIsTaken() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			int free;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
				free = socket.getLocalPort();
			}
			Deque<Integer> ports = new ArrayDeque<>(List.of(taken.getLocalPort(), taken.getLocalPort(), free));
			try (EmbeddedRedis redis = EmbeddedRedis.start(ports::pop)) {
				assertThat(redis.port()).isEqualTo(free);
				assertThat(redis.isRunning()).isTrue();
			}
		}
	}

	@Test
	void startGivesUpAfterAFewAttempts() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThatIllegalStateException().isThrownBy(() -> EmbeddedRedis.start(taken::getLocalPort))
				.withMessage("Could not start redis-server on a free port after 5 attempts")
				.satisfies((ex) -> assertThat(ex.getSuppressed()).hasSize(5));
		}
	}

	@Test
	void leavesNoWorkingDirectoryBehind() throws IOException {
		Path base = Paths.get("target", "embedded-redis").toAbsolutePath();
		Path directory;
		try (EmbeddedRedis redis = EmbeddedRedis.start()) {
			directory = redis.directory();
			assertThat(directory.getParent()).isEqualTo(base);
		}
		try (var paths = Files.list(base)) {
			assertThat(paths).doesNotContain(directory);
		}
	}

	@Test
	void shutdownHookStopsAServerLeftRunning() throws Exception {
		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				AbandonedEmbeddedRedis.class.getName())
			.redirectErrorStream(true)
			.start();
		String output = assertTimeoutPreemptively(Duration.ofSeconds(30),
				() -> new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
		assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		Map<String, String> values = output.lines()
			.filter((line) -> line.contains("="))
			.collect(Collectors.toMap((line) -> line.substring(0, line.indexOf('=')),
					(line) -> line.substring(line.indexOf('=') + 1)));
		assertThat(values).as(output).containsKeys("port", "directory");
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> connect(Integer.parseInt(values.get("port"))));
		assertThat(Paths.get(values.get("directory"))).doesNotExist();
	}

	private static void connect(int port) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			assertThat(socket.isConnected()).isTrue();
		}
	}

}
