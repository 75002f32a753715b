package io.tiercache.autoconfigure;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

import io.tiercache.actuate.TierCacheHealthIndicator;
import io.tiercache.test.EmbeddedRedis;
import io.tiercache.test.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tiercache over TLS, configured as docs/SECURITY.md says: Spring Boot's
 * {@code spring.data.redis.ssl.bundle} and a PEM SSL bundle, against a real
 * {@code redis-server} that listens for TLS only on the port the instances use.
 * <p>
 * The certificates in {@code src/test/resources/tls} are for this test only: a CA and a
 * server certificate for {@code localhost} and {@code 127.0.0.1} it signed, valid for a
 * hundred years, made with {@code openssl req -x509 -newkey rsa:2048 -nodes -days 36500}
 * and {@code openssl x509 -req -CA ca.crt -extfile} (subjectAltName, serverAuth).
 */
class RedisTlsIntegrationTests {

	private static RedisProcess redis;

	private static int tlsPort;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
				AopAutoConfiguration.class, JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheActuatorAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=localhost", "spring.data.redis.port=" + tlsPort,
				"tiercache.fanout.check-interval=100ms", "tiercache.redis.breaker.open-duration=100ms")
		.withUserConfiguration(PricesService.Configuration.class);

	@BeforeAll
	static void startRedisWithTls() {
		tlsPort = EmbeddedRedis.freePort();
		// The plain port stays for the test's own commands; the instances use the TLS
		// one.
		redis = RedisProcess.start("tls-port " + tlsPort, "tls-cert-file " + quoted(resource("tls/server.crt")),
				"tls-key-file " + quoted(resource("tls/server.key")),
				"tls-ca-cert-file " + quoted(resource("tls/ca.crt")), "tls-auth-clients no");
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void flushRedis() {
		redis.command("FLUSHALL");
	}

	@Test
	void instancesCacheAndInvalidateEachOtherOverTls() {
		ApplicationContextRunner overTls = this.contextRunner.withPropertyValues(
				"spring.ssl.bundle.pem.redis.truststore.certificate=classpath:tls/ca.crt",
				"spring.data.redis.ssl.bundle=redis");
		overTls.run((first) -> overTls.run((second) -> {
			assertThat(first).hasNotFailed();
			assertThat(second).hasNotFailed();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(health(first)).isEqualTo(Status.UP));
			PricesService a = first.getBean(PricesService.class);
			PricesService b = second.getBean(PricesService.class);
			assertThat(a.price(1)).isEqualTo(100);
			assertThat(b.price(1)).isEqualTo(100);
			assertThat(a.invocations() + b.invocations()).as("the second read Redis, over TLS").isEqualTo(1);
			assertThat(redis.command("DBSIZE")).as("entries are in the server").isNotEqualTo(0L);
			a.change(1);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				b.price(1);
				assertThat(b.invocations()).as("the invalidation reached the other instance's subscription")
					.isEqualTo(1);
			});
		}));
	}

	@Test
	void aServerCertificateTheBundleDoesNotTrustIsRefusedAndTheMethodsStillAnswer() {
		// ssl.enabled without a bundle trusts the JVM's CAs, which do not include the
		// test's
		this.contextRunner.withPropertyValues("spring.data.redis.ssl.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			PricesService service = context.getBean(PricesService.class);
			assertThat(service.price(1)).isEqualTo(100);
			assertThat(service.price(1)).isEqualTo(100);
			assertThat(service.invocations()).as("no Redis tier without a trusted server").isEqualTo(2);
			assertThat(health(context)).isEqualTo(Status.DOWN);
			assertThat(redis.command("DBSIZE")).as("nothing reached the server").isEqualTo(0L);
		});
	}

	@Test
	void aPlainConnectionToTheTlsPortIsNotAnAnswer() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			PricesService service = context.getBean(PricesService.class);
			assertThat(service.price(1)).isEqualTo(100);
			assertThat(health(context)).isEqualTo(Status.DOWN);
			assertThat(redis.command("DBSIZE")).isEqualTo(0L);
		});
	}

	private static Status health(ApplicationContext context) {
		return context.getBean(TierCacheHealthIndicator.class).health(true).getStatus();
	}

	private static Path resource(String name) {
		try {
			return Path.of(RedisTlsIntegrationTests.class.getClassLoader().getResource(name).toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String quoted(Path path) {
		return "\"" + path.toAbsolutePath() + "\"";
	}

}
