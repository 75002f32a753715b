package io.tiercache.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The embedded redis-server starts only when no Redis is configured, and stops with the
 * application.
 */
class EmbeddedRedisEnvironmentPostProcessorTests {

	@Test
	void startsARedisServerWhenNoneIsConfigured() throws IOException {
		int port;
		try (ConfigurableApplicationContext context = run()) {
			EmbeddedRedisServer server = context.getBean(EmbeddedRedisEnvironmentPostProcessor.BEAN_NAME,
					EmbeddedRedisServer.class);
			port = server.port();
			Environment environment = context.getEnvironment();
			assertThat(environment.getProperty("spring.data.redis.host")).isEqualTo("127.0.0.1");
			assertThat(environment.getProperty("spring.data.redis.port", Integer.class)).isEqualTo(port);
			assertThat(ping(port)).isEqualTo("+PONG");
		}
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ping(port));
	}

	@Test
	void aSecondInstanceJoinsTheServerOfTheFirstOnItsPort() throws IOException {
		int port = freePort();
		try (ConfigurableApplicationContext first = run("sample.embedded-redis.port=" + port)) {
			EmbeddedRedisServer server = first.getBean(EmbeddedRedisEnvironmentPostProcessor.BEAN_NAME,
					EmbeddedRedisServer.class);
			assertThat(server.port()).isEqualTo(port);
			try (ConfigurableApplicationContext second = run("sample.embedded-redis.port=" + port)) {
				assertThat(second.containsBean(EmbeddedRedisEnvironmentPostProcessor.BEAN_NAME))
					.as("joined, not started")
					.isFalse();
				assertThat(second.getEnvironment().getProperty("spring.data.redis.port", Integer.class))
					.isEqualTo(port);
			}
			assertThat(ping(port)).as("the first instance's server outlives the second").isEqualTo("+PONG");
		}
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ping(port));
	}

	@Test
	void aPortTakenBySomethingElseFailsNamingTheProperty() throws IOException {
		try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getByName(EmbeddedRedisServer.HOST))) {
			assertThatIllegalStateException()
				.isThrownBy(() -> run("sample.embedded-redis.port=" + other.getLocalPort()).close())
				.withMessageContaining("127.0.0.1:" + other.getLocalPort())
				.withMessageContaining("sample.embedded-redis.port");
		}
	}

	@Test
	void leavesAConfiguredHostAlone() {
		try (ConfigurableApplicationContext context = run("spring.data.redis.host=redis.example.com")) {
			assertThat(context.containsBean(EmbeddedRedisEnvironmentPostProcessor.BEAN_NAME)).isFalse();
			assertThat(context.getEnvironment().getProperty("spring.data.redis.host")).isEqualTo("redis.example.com");
			assertThat(context.getEnvironment().getProperty("spring.data.redis.port")).isNull();
		}
	}

	@Test
	void leavesAConfiguredUrlAlone() {
		try (ConfigurableApplicationContext context = run("spring.data.redis.url=redis://redis.example.com:6380")) {
			assertThat(context.containsBean(EmbeddedRedisEnvironmentPostProcessor.BEAN_NAME)).isFalse();
			assertThat(context.getEnvironment().getProperty("spring.data.redis.host")).isNull();
		}
	}

	@Test
	void leavesAConfiguredClusterAlone() {
		try (ConfigurableApplicationContext context = run("spring.data.redis.cluster.nodes=127.0.0.1:7001")) {
			assertThat(context.containsBean(EmbeddedRedisEnvironmentPostProcessor.BEAN_NAME)).isFalse();
		}
	}

	@Test
	void canBeSwitchedOff() {
		try (ConfigurableApplicationContext context = run("sample.embedded-redis.enabled=false")) {
			assertThat(context.containsBean(EmbeddedRedisEnvironmentPostProcessor.BEAN_NAME)).isFalse();
			assertThat(context.getEnvironment().getProperty("spring.data.redis.host")).isNull();
		}
	}

	private static ConfigurableApplicationContext run(String... properties) {
		String[] args = Arrays.stream(properties).map((property) -> "--" + property).toArray(String[]::new);
		return new SpringApplicationBuilder(EmptyConfiguration.class).web(WebApplicationType.NONE).run(args);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(EmbeddedRedisServer.HOST))) {
			return socket.getLocalPort();
		}
	}

	private static String ping(int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(EmbeddedRedisServer.HOST, port), 2000);
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = in.readNBytes(reply, 0, reply.length);
			return new String(reply, 0, read, StandardCharsets.US_ASCII).trim();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
