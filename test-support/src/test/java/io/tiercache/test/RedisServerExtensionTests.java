package io.tiercache.test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class RedisServerExtensionTests {

	// embedded even when REDIS_URL is set: these tests stop and start the server
	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension(null);

	private final TestClients clients = new TestClients();

	@BeforeEach
	void restartForAFreshServer() {
		redis.restart();
	}

	@AfterEach
	void closeClients() {
		this.clients.close();
	}

	@Test
	void setAndGetThroughLettuce() {
		StatefulRedisConnection<String, String> connection = this.clients.connect(redis.uri());
		connection.sync().set("greeting", "hello");
		assertThat(connection.sync().get("greeting")).isEqualTo("hello");
		assertThat(redis.command("GET", "greeting")).isEqualTo("hello");
	}

	@Test
	void stopRefusesConnectionsAndStartComesBackEmptyOnTheSamePort() {
		redis.command("SET", "key", "value");
		int port = redis.port();
		redis.stop();
		assertThat(redis.isRunning()).isFalse();
		assertThatExceptionOfType(RedisConnectionException.class).isThrownBy(() -> this.clients.connect(redis.uri()))
			.satisfies((ex) -> assertThat(ex).hasRootCauseInstanceOf(ConnectException.class)
				.rootCause()
				.hasMessageContaining("Connection refused"));
		redis.start();
		assertThat(redis.isRunning()).isTrue();
		assertThat(redis.port()).isEqualTo(port);
		StatefulRedisConnection<String, String> connection = this.clients.connect(redis.uri());
		assertThat(connection.sync().ping()).isEqualTo("PONG");
		assertThat(connection.sync().get("key")).isNull();
	}

	@Test
	void restartLosesDataAndConnections() {
		StatefulRedisConnection<String, String> connection = this.clients.connect(redis.uri());
		connection.sync().set("key", "value");
		int port = redis.port();
		redis.restart();
		await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());
		assertThat(redis.port()).isEqualTo(port);
		assertThat(this.clients.connect(redis.uri()).sync().get("key")).isNull();
	}

	@Test
	void pauseMakesCommandsTimeOutUntilItEnds() {
		StatefulRedisConnection<String, String> connection = this.clients.connect(redis.uri(), Duration.ofMillis(200));
		connection.sync().set("key", "value");
		redis.pause(Duration.ofSeconds(1));
		assertThatExceptionOfType(RedisCommandTimeoutException.class).isThrownBy(() -> connection.sync().get("key"));
		await().atMost(Duration.ofSeconds(5))
			.ignoreExceptionsInstanceOf(RedisCommandTimeoutException.class)
			.untilAsserted(() -> assertThat(connection.sync().get("key")).isEqualTo("value"));
	}

	@Test
	void debugSleepMakesCommandsTimeOutUntilItEnds() {
		StatefulRedisConnection<String, String> connection = this.clients.connect(redis.uri(), Duration.ofMillis(200));
		connection.sync().set("key", "value");
		redis.debugSleep(Duration.ofSeconds(1));
		assertThatExceptionOfType(RedisCommandTimeoutException.class).isThrownBy(() -> connection.sync().get("key"));
		await().atMost(Duration.ofSeconds(5))
			.ignoreExceptionsInstanceOf(RedisCommandTimeoutException.class)
			.untilAsserted(() -> assertThat(connection.sync().get("key")).isEqualTo("value"));
	}

	@Test
	void stopDoesNotWaitForADebugSleepToEnd() {
		redis.debugSleep(Duration.ofSeconds(30));
		assertTimeoutPreemptively(Duration.ofSeconds(5), redis::stop);
		assertThat(redis.isRunning()).isFalse();
	}

	@Test
	void flushAllEmptiesEveryDatabase() {
		StatefulRedisConnection<String, String> connection = this.clients.connect(redis.uri());
		connection.sync().set("zero", "0");
		connection.sync().select(1);
		connection.sync().set("one", "1");
		redis.flushAll();
		assertThat(connection.sync().dbsize()).isZero();
		connection.sync().select(0);
		assertThat(connection.sync().dbsize()).isZero();
	}

	@ParameterizedTest
	@EnumSource(names = { "RESP2", "RESP3" })
	void killClientsPubsubDropsSubscribersOnly(ProtocolVersion protocolVersion) {
		StatefulRedisPubSubConnection<String, String> subscriber = this.clients.connectPubSub(redis.uri(),
				protocolVersion);
		subscriber.sync().subscribe("news");
		StatefulRedisConnection<String, String> connection = this.clients.connect(redis.uri());
		assertThat(redis.command("PUBSUB", "NUMSUB", "news")).isEqualTo(List.of("news", 1L));
		assertThat(redis.killClients("pubsub")).isOne();
		await().atMost(Duration.ofSeconds(5)).until(() -> !subscriber.isOpen());
		assertThat(redis.command("PUBSUB", "NUMSUB", "news")).isEqualTo(List.of("news", 0L));
		assertThat(connection.isOpen()).isTrue();
		assertThat(connection.sync().ping()).isEqualTo("PONG");
	}

	@Test
	void killClientsNormalDropsConnections() {
		StatefulRedisConnection<String, String> connection = this.clients.connect(redis.uri());
		assertThat(connection.sync().ping()).isEqualTo("PONG");
		assertThat(redis.killClients("normal")).isOne();
		await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());
	}

	@Test
	void commandReturnsDecodedReplies() {
		assertThat(redis.command("SET", "key", "value")).isEqualTo("OK");
		assertThat(redis.command("get", "key")).isEqualTo("value");
		assertThat(redis.command("GET", "missing")).isNull();
		assertThat(redis.command("INCR", "counter")).isEqualTo(1L);
		redis.command("RPUSH", "list", "a", "b");
		assertThat(redis.command("LRANGE", "list", "0", "-1")).isEqualTo(List.of("a", "b"));
		redis.command("HSET", "hash", "field", "value");
		assertThat(redis.command("HGETALL", "hash")).isEqualTo(List.of("field", "value"));
		assertThat(redis.command("CLIENT", "LIST", "TYPE", "pubsub")).isEqualTo("");
		assertThat(redis.command("LRANGE", "missing", "0", "-1")).isEqualTo(List.of());
		assertThatExceptionOfType(RedisCommandExecutionException.class)
			.isThrownBy(() -> redis.command("NO-SUCH-COMMAND"))
			.withMessageContaining("unknown command");
	}

	@Test
	void springPropertiesPointAtTheServer() {
		assertThat(redis.springProperties()).containsExactly("spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + redis.port());
		assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
		assertThat(redis.host()).isEqualTo("127.0.0.1");
	}

	@Test
	void resolvesTheHandleAsAParameter(RedisServerHandle handle) {
		assertThat(handle.port()).isEqualTo(redis.port());
		handle.command("SET", "key", "value");
		assertThat(redis.command("GET", "key")).isEqualTo("value");
	}

}
