package io.tiercache.autoconfigure;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A clean start is not a disconnect: dashboards counting
 * {@code tiercache.local.clears{reason=disconnect}} see nothing on a deploy, and do see a
 * subscription that is really lost.
 */
class CleanStartIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withPropertyValues("tiercache.fanout.check-interval=100ms")
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void aCleanStartCountsNoDisconnectAndALostSubscriptionDoes() {
		this.contextRunner.run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(meters.get("tiercache.local.trusted").gauge().value()).isOne());
			assertThat(disconnects(meters)).as("the first subscription").isZero();
			assertThat(redis.killClients("pubsub")).isPositive();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(disconnects(meters)).as("a subscription really lost").isPositive();
				assertThat(meters.get("tiercache.local.trusted").gauge().value()).isOne();
			});
		});
	}

	private static double disconnects(MeterRegistry meters) {
		return meters.get("tiercache.local.clears").tag("reason", "disconnect").counter().count();
	}

}
