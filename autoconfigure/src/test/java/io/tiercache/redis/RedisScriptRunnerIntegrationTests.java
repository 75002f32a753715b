package io.tiercache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The runner against a real Redis: scripts by digest and in full after {@code NOSCRIPT},
 * unlink, the circuit breaker's gate, and the refusal of a client other than Lettuce.
 */
class RedisScriptRunnerIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	private static final RedisScriptRunner.Script SEQUENCE = RedisScriptRunner.Script.load("sequence", "common");

	private static final long OPEN_NANOS = Duration.ofSeconds(1).toNanos();

	private final AtomicLong now = new AtomicLong();

	private final CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofNanos(OPEN_NANOS), this.now::get);

	private LettuceConnectionFactory connectionFactory;

	private RedisScriptRunner runner;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.runner = new RedisScriptRunner(this.connectionFactory, Duration.ofSeconds(2), this.breaker);
	}

	@AfterEach
	void tearDown() {
		this.connectionFactory.destroy();
	}

	@Test
	void aScriptFlushedFromRedisIsSentInFullAndRunsAgain() {
		redis.command("HSET", "seq", "epoch", "e1", "n", "7", "run", runId());
		assertThat(texts(this.runner.run("sequence", SEQUENCE, keys("seq"), keys("e2")))).startsWith("e1", "7");
		redis.command("SCRIPT", "FLUSH");
		assertThat(redis.command("SCRIPT", "EXISTS", SEQUENCE.sha())).isEqualTo(List.of(0L));
		assertThat(texts(this.runner.run("sequence", SEQUENCE, keys("seq"), keys("e2")))).startsWith("e1", "7");
		assertThat(redis.command("SCRIPT", "EXISTS", SEQUENCE.sha())).as("loaded again").isEqualTo(List.of(1L));
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void aSequenceHeldByAnotherServerIncarnationStartsOneNewEpoch() {
		// As a promoted replica, or a restart from an AOF or RDB file, holds it
		redis.command("HSET", "seq", "epoch", "e1", "n", "7", "start", "1", "run", "0123456789abcdef");
		List<String> first = texts(this.runner.run("sequence", SEQUENCE, keys("seq"), keys("e2")));
		assertThat(first.get(0)).isEqualTo("e2");
		assertThat(Long.parseLong(first.get(1))).isGreaterThan(7);
		assertThat(redis.command("HGET", "seq", "run")).isEqualTo(runId());
		// Whoever comes next finds the epoch this incarnation started, and starts none
		assertThat(texts(this.runner.run("sequence", SEQUENCE, keys("seq"), keys("e3")))).isEqualTo(first);
	}

	@Test
	void afterTheFactoryReplacesItsSharedConnectionScriptsRunOnTheNewOne() {
		redis.command("HSET", "seq", "epoch", "e1", "n", "7", "run", runId());
		assertThat(texts(this.runner.run("sequence", SEQUENCE, keys("seq"), keys("e2")))).startsWith("e1", "7");
		// Closes the shared native connection the runner keeps the commands of
		this.connectionFactory.resetConnection();
		assertThat(texts(this.runner.run("sequence", SEQUENCE, keys("seq"), keys("e2")))).startsWith("e1", "7");
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void unlinkRemovesEveryKey() {
		redis.command("SET", "a", "1");
		redis.command("SET", "b", "2");
		this.runner.unlink(keys("a", "b"));
		assertThat(redis.command("EXISTS", "a", "b")).isEqualTo(0L);
	}

	@Test
	void whileTheBreakerRefusesCallsFailAtOnceAndTheProbeClosesIt() {
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		this.breaker.recordFailure();
		assertThatExceptionOfType(RedisUnavailableException.class)
			.isThrownBy(() -> this.runner.run("sequence", SEQUENCE, keys("seq"), new byte[0][]))
			.withMessageContaining("circuit breaker is open")
			.satisfies((ex) -> assertThat(ex.operation()).isEqualTo("sequence"));
		this.now.addAndGet(OPEN_NANOS);
		this.runner.run("sequence", SEQUENCE, keys("seq"), new byte[0][]);
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void aClientOtherThanLettuceIsRefusedWithTheSettingThatSelectsLettuce() {
		RedisConnection connection = mock();
		given(connection.getNativeConnection()).willReturn(new Object());
		RedisConnectionFactory otherClient = mock();
		given(otherClient.getConnection()).willReturn(connection);
		RedisScriptRunner runner = new RedisScriptRunner(otherClient, Duration.ofSeconds(2), this.breaker);
		assertThatExceptionOfType(RedisUnavailableException.class)
			.isThrownBy(() -> runner.run("sequence", SEQUENCE, keys("seq"), new byte[0][]))
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("tiercache needs Lettuce")
			.withMessageContaining("spring.data.redis.client-type=lettuce");
		assertThat(this.breaker.state()).as("counted as a failure").isEqualTo(CircuitBreaker.State.OPEN);
	}

	private static byte[][] keys(String... names) {
		byte[][] keys = new byte[names.length][];
		for (int i = 0; i < names.length; i++) {
			keys[i] = names[i].getBytes(StandardCharsets.UTF_8);
		}
		return keys;
	}

	private static List<String> texts(Object reply) {
		return ((List<?>) reply).stream()
			.map((element) -> (element instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8)
					: String.valueOf(element))
			.toList();
	}

	private static String runId() {
		String info = (String) redis.command("INFO", "server");
		return info.lines().filter((line) -> line.startsWith("run_id:")).findFirst().orElseThrow().substring(7);
	}

}
