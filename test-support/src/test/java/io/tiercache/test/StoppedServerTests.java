package io.tiercache.test;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test that stops the server and forgets to start it must not break the next one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoppedServerTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension(null);

	static int port;

	@Test
	@Order(1)
	void stopWithoutStartingAgain() {
		port = redis.port();
		redis.stop();
		assertThat(redis.isRunning()).isFalse();
	}

	@Test
	@Order(2)
	void serverIsRunningAgainForTheNextTest() {
		assertThat(redis.isRunning()).isTrue();
		assertThat(redis.port()).isEqualTo(port);
		assertThat(redis.command("PING")).isEqualTo("PONG");
	}

}
