package io.tiercache.test;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(RedisServerExtension.class)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class ExtendWithRedisServerExtensionTests {

	static int port;

	@BeforeAll
	static void recordPort(RedisServerHandle redis) {
		assertThat(redis.isRunning()).isTrue();
		port = redis.port();
	}

	@Test
	void resolvesTheHandleOfTheRunningServer(RedisServerHandle redis) {
		assertThat(redis.port()).isEqualTo(port);
		assertThat(redis.command("SET", "key", "value")).isEqualTo("OK");
		assertThat(redis.command("GET", "key")).isEqualTo("value");
	}

	@Nested
	@Order(1)
	class FirstNested {

		@Test
		void sharesTheServerOfTheEnclosingClass(RedisServerHandle redis) {
			assertThat(redis.port()).isEqualTo(port);
			assertThat(redis.command("PING")).isEqualTo("PONG");
		}

	}

	@Nested
	@Order(2)
	class SecondNested {

		@Test
		void serverOutlivesTheFirstNestedClass(RedisServerHandle redis) {
			assertThat(redis.isRunning()).isTrue();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(redis.command("PING")).isEqualTo("PONG");
		}

	}

}
