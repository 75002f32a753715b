package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.tiercache.actuate.TierCacheHealthIndicator;
import io.tiercache.redis.ServerVersionCheck;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's version, read with Spring Data Redis's Lettuce connection once Redis
 * answers, against the embedded Redis 7.0.15: named in the health details, and warned
 * about once for the Lua-engine vulnerabilities the 7.0 line never received fixes for,
 * not for those it did.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisVersionCheckIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheActuatorAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withPropertyValues("tiercache.fanout.check-interval=100ms");

	@Test
	void theEmbeddedServersVersionIsInTheHealthDetailsAndWarnedAboutOnceForWhatThe70LineNeverFixed(
			CapturedOutput output) {
		this.contextRunner.run((context) -> {
			TierCacheHealthIndicator indicator = context.getBean(TierCacheHealthIndicator.class);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(indicator.health(true).getDetails()).containsKey("redisVersion"));
			Health health = indicator.health(true);
			assertThat(health.getStatus()).as("a server to upgrade, not a tiercache that does not work")
				.isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("redisVersion", "7.0.15");
			@SuppressWarnings("unchecked")
			List<String> flagged = (List<String>) health.getDetails().get("redisLuaVulnerabilities");
			assertThat(flagged).as("fixed in 7.0.0 and 7.0.12").doesNotContain("CVE-2021-32626", "CVE-2022-24834");
			assertThat(flagged).as("fixed only in 7.2 and later lines")
				.contains("CVE-2025-49844", "CVE-2024-31449", "CVE-2024-46981");
		});
		List<String> warnings = output.getOut()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains(ServerVersionCheck.class.getName()))
			.toList();
		assertThat(warnings).hasSize(1);
		assertThat(warnings.get(0)).contains("Redis 7.0.15 has known vulnerabilities in its Lua engine")
			.contains("CVE-2025-49844 (use-after-free in the Lua parser, remote code execution; fixed in 6.2.20, "
					+ "7.2.11, 7.4.6, 8.0.4, 8.2.2)")
			.doesNotContain("CVE-2021-32626");
	}

}
