package io.tiercache.test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The extension pointed at an external server, as with {@code REDIS_URL}; an embedded
 * server started by the test stands in for it.
 */
class ExternalRedisServerTests {

	static final EmbeddedRedis external = EmbeddedRedis.start();

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension(external.uri());

	private final TestClients clients = new TestClients();

	@AfterEach
	void closeClients() {
		this.clients.close();
	}

	@AfterAll
	static void closeExternal() {
		external.close();
	}

	@Test
	void usesTheServerFromRedisUrl() {
		assertThat(redis.uri()).isEqualTo(external.uri());
		assertThat(redis.port()).isEqualTo(external.port());
		assertThat(redis.isRunning()).isTrue();
		assertThat(redis.springProperties()).containsExactly("spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + external.port());
	}

	@Test
	void stopAndStartNeedTheEmbeddedServer() {
		assertThatIllegalStateException().isThrownBy(redis::stop)
			.withMessage("REDIS_URL points to an external server; this test needs the embedded one");
		assertThatIllegalStateException().isThrownBy(redis::start)
			.withMessage("REDIS_URL points to an external server; this test needs the embedded one");
		assertThat(external.isRunning()).isTrue();
	}

	@Test
	void restartFlushesDataAndScriptsAndDropsClients() {
		StatefulRedisConnection<String, String> connection = this.clients.connect(redis.uri());
		connection.sync().set("key", "value");
		String sha = connection.sync().scriptLoad("return 1");
		StatefulRedisPubSubConnection<String, String> subscriber = this.clients.connectPubSub(redis.uri(),
				ProtocolVersion.RESP2);
		subscriber.sync().subscribe("news");
		redis.restart();
		await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen() && !subscriber.isOpen());
		assertThat(redis.command("DBSIZE")).isEqualTo(0L);
		assertThat(redis.command("SCRIPT", "EXISTS", sha)).isEqualTo(List.of(0L));
		assertThat(external.isRunning()).isTrue();
	}

	@Test
	void serverIsFlushedBeforeUse() {
		redis.command("SET", "left", "over");
		try (DefaultRedisServerHandle handle = DefaultRedisServerHandle.external(external.uri())) {
			assertThat(handle.command("DBSIZE")).isEqualTo(0L);
		}
	}

	@Test
	void unreachableServerFailsLoudly() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		String uri = "redis://127.0.0.1:" + port;
		assertThatIllegalStateException().isThrownBy(() -> DefaultRedisServerHandle.external(uri))
			.withMessageStartingWith("REDIS_URL is set to '" + uri + "' but that server does not answer");
	}

	@Test
	void credentialsAndDatabaseAreUsed() {
		try (EmbeddedRedis secured = EmbeddedRedis.start()) {
			this.clients.connect(secured.uri()).sync().configSet("requirepass", "s3cret");
			String uri = "redis://default:s3cret@127.0.0.1:" + secured.port() + "/2";
			try (DefaultRedisServerHandle handle = DefaultRedisServerHandle.external(uri)) {
				assertThat(handle.springProperties()).containsExactly("spring.data.redis.host=127.0.0.1",
						"spring.data.redis.port=" + secured.port(), "spring.data.redis.username=default",
						"spring.data.redis.password=s3cret", "spring.data.redis.database=2");
				assertThat(handle.command("SET", "key", "value")).isEqualTo("OK");
				StatefulRedisConnection<String, String> connection = this.clients.connect(uri, Duration.ofMillis(200));
				assertThat(connection.sync().get("key")).isEqualTo("value");
				handle.debugSleep(Duration.ofSeconds(1));
				assertThatExceptionOfType(RedisCommandTimeoutException.class)
					.isThrownBy(() -> connection.sync().get("key"));
			}
		}
	}

}
