package io.tiercache.autoconfigure;

import java.time.Duration;

import io.tiercache.actuate.TierCacheHealthIndicator;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.LocalTrust.DistrustCause;
import io.tiercache.store.TieredCache;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application whose Redis is unreachable when it starts: it starts, answers every call
 * uncached, and caches again by itself once Redis appears ("Redis down means slower, not
 * broken").
 */
class RedisDownAtStartupTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	// Default tiercache settings: what resumption takes is what an application gets.
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheActuatorAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withUserConfiguration(PricesService.Configuration.class);

	@Test
	void startsWithRedisDownAnswersUncachedAndCachesAgainOnceRedisAppears() {
		redis.stop();
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			PricesService prices = context.getBean(PricesService.class);
			LocalTrust trust = context.getBean(TieredStore.class).trust();
			TierCacheHealthIndicator health = context.getBean(TierCacheHealthIndicator.class);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
			assertThat(prices.price(1)).isEqualTo(100);
			assertThat(prices.price(1)).isEqualTo(100);
			assertThat(prices.invocations()).as("every call answered by the method").isEqualTo(2);
			assertThat(trust.trusted()).isFalse();

			redis.start();
			await().atMost(Duration.ofSeconds(10)).until(trust::trusted);
			assertThat(trust.distrusts(DistrustCause.UNSUBSCRIBED)).as("subscription confirmed").isFalse();
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(health.health(true).getDetails()).as("read once Redis answered")
					.containsKey("redisVersion"));
			prices.price(1);
			TieredCache cache = context.getBean(TieredStore.class).caches().get("prices");
			assertThat(cache.getLocal(1L)).as("in the local tier").isEqualTo(100L);
			assertThat(prices.price(1)).isEqualTo(100);
			assertThat(prices.invocations()).as("the second call is a hit").isEqualTo(3);
		});
	}

}
