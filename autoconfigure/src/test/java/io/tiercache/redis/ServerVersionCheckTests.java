package io.tiercache.redis;

import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ServerVersionCheck} warns once per version met, and a failing read changes
 * nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServerVersionCheckTests {

	@Test
	void warnsOncePerAffectedVersionMetAndNeverFails(CapturedOutput output) {
		Deque<String> answers = new ArrayDeque<>();
		ServerVersionCheck check = new ServerVersionCheck(() -> {
			String answer = answers.poll();
			if (answer == null) {
				throw new RedisUnavailableException("info", "Redis is down");
			}
			return answer;
		});
		check.run();
		assertThat(check.version()).as("not answered yet").isNull();
		assertThat(check.advisories()).isEmpty();
		answers.add("redis_version:6.2.5\r\n");
		answers.add("redis_version:6.2.5\r\n");
		check.run();
		check.run();
		assertThat(check.version()).isEqualTo("6.2.5");
		assertThat(check.advisories()).contains("CVE-2021-32626");
		check.run();
		assertThat(check.version()).as("kept when a later read fails").isEqualTo("6.2.5");
		answers.add("redis_version:8.2.2\r\n");
		check.run();
		assertThat(check.advisories()).isEmpty();
		answers.add("redis_version:7.0.15\r\n");
		check.run();
		assertThat(output.getOut().lines().filter((line) -> line.contains("has known vulnerabilities"))).hasSize(2)
			.anySatisfy((line) -> assertThat(line).contains("Redis 6.2.5"))
			.anySatisfy((line) -> assertThat(line).contains("Redis 7.0.15"));
	}

}
