package io.tiercache.autoconfigure;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the application (a {@code SIGTERM}, a deploy) during a Redis outage publishes
 * the invalidations queued meanwhile once Redis answers, within
 * {@code tiercache.shutdown-timeout}: the store is closed while the connection factory,
 * itself stopped as a lifecycle bean before any bean is destroyed, still runs.
 */
class GracefulShutdownIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withPropertyValues("tiercache.shutdown-timeout=10s");

	@Test
	void closingTheApplicationPublishesTheInvalidationsQueuedDuringAnOutage() {
		redis.flushAll();
		this.contextRunner.run((context) -> {
			TieredStore store = context.getBean(TieredStore.class);
			redis.stop();
			store.invalidate(List.of("price:1"));
			assertThat(store.pendingInvalidations()).isOne();
			ExecutorService closing = Executors.newSingleThreadExecutor();
			try {
				Future<?> closed = closing.submit(context::close);
				// The application is closing while Redis is down; Redis comes back before
				// the timeout.
				redis.start();
				closed.get(15, TimeUnit.SECONDS);
			}
			finally {
				closing.shutdownNow();
			}
			assertThat(store.pendingInvalidations()).isZero();
			assertThat((List<?>) redis.command("KEYS", "*:t:price:1"))
				.as("the tag's record, written by the invalidation")
				.hasSize(1);
		});
	}

	@Test
	void theStoreStopsAfterTheWebServerAndBeforeTheConnectionFactory() {
		this.contextRunner.run((context) -> {
			int store = context.getBean(TieredStoreLifecycle.class).getPhase();
			int factory = ((SmartLifecycle) context.getBean(RedisConnectionFactory.class)).getPhase();
			assertThat(store).as("stopped first: higher").isGreaterThan(factory);
			assertThat(store).as("after the web server's graceful shutdown")
				.isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048);
		});
	}

}
