package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.actuate.TierCacheEndpoint;
import io.tiercache.actuate.TierCacheEndpoint.CacheDescriptor;
import io.tiercache.actuate.TierCacheEndpoint.TierCacheDescriptor;
import io.tiercache.actuate.TierCacheHealthIndicator;
import io.tiercache.annotation.Cached;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TierCacheActuatorAutoConfiguration}: the {@code tiercache} endpoint
 * and health indicator, on real instances sharing a real Redis.
 */
class TierCacheActuatorAutoConfigurationTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class, TierCacheActuatorAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withPropertyValues("tiercache.redis.breaker.open-duration=100ms", "tiercache.fanout.check-interval=100ms")
		.withUserConfiguration(StockConfiguration.class);

	private final ApplicationContextRunner exposed = this.contextRunner
		.withPropertyValues("management.endpoints.web.exposure.include=tiercache");

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void endpointIsAbsentUnlessExposed() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TierCacheEndpoint.class);
			assertThat(context).hasSingleBean(TierCacheHealthIndicator.class);
		});
		this.exposed.run((context) -> assertThat(context).hasSingleBean(TierCacheEndpoint.class));
	}

	@Test
	void aRequestOfMoreTagsThanTheLimitIsRefusedBeforeReachingRedis() {
		this.exposed.run((context) -> {
			TierCacheEndpoint endpoint = context.getBean(TierCacheEndpoint.class);
			List<String> tooMany = IntStream.rangeClosed(0, TierCacheEndpoint.MAX_TAGS)
				.mapToObj((i) -> "t" + i)
				.toList();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.invalidate(tooMany))
				.withMessageContaining("At most 1000 tags");
			assertThat((List<?>) redis.command("KEYS", "{tc:v1}:t:*")).isEmpty();
			// Blanks and repeats do not count
			List<String> atTheLimit = new ArrayList<>();
			for (int i = 0; i < TierCacheEndpoint.MAX_TAGS; i++) {
				atTheLimit.addAll(List.of("t" + i, " ", "t" + i));
			}
			assertThat(endpoint.invalidate(atTheLimit).invalidated()).hasSize(TierCacheEndpoint.MAX_TAGS);
			assertThat((List<?>) redis.command("KEYS", "{tc:v1}:t:*")).hasSize(TierCacheEndpoint.MAX_TAGS);
		});
	}

	@Test
	void healthDetailsRevealNoCredentials() {
		// A password the server does not expect: the application starts, health says why
		this.contextRunner
			.withPropertyValues(
					"spring.data.redis.url=redis://tiercache:s3cr3t-pw@" + redis.host() + ":" + redis.port())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Health health = context.getBean(TierCacheHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails().toString()).doesNotContain("s3cr3t-pw");
				assertThat(context.getBean(StockService.class).level(1)).isEqualTo(10);
			});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.tiercache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TierCacheHealthIndicator.class));
	}

	@Test
	void definesNothingWithoutActuator() {
		this.exposed.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TierCacheEndpoint.class)
				.doesNotHaveBean(TierCacheHealthIndicator.class);
		});
	}

	@Test
	void readOperationListsCachesWithSettingsAndFigures() {
		this.exposed.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("tiercache.caches.stock.ttl=90s", "tiercache.caches.stock.jitter=10%")
			.run((context) -> {
				StockService stock = context.getBean(StockService.class);
				stock.level(1);
				stock.level(1);
				stock.level(2);
				TierCacheEndpoint endpoint = context.getBean(TierCacheEndpoint.class);
				TierCacheDescriptor descriptor = endpoint.caches();
				assertThat(descriptor.localTrusted()).isTrue();
				assertThat(descriptor.subscriptionConfirmed()).isTrue();
				assertThat(descriptor.epoch()).isNotNull();
				CacheDescriptor cache = descriptor.caches().get("stock");
				assertThat(cache.ttl()).isEqualTo("PT1M30S");
				assertThat(cache.jitter()).isEqualTo("10.0%");
				assertThat(cache.local()).isTrue();
				assertThat(cache.enabled()).isTrue();
				assertThat(cache.localSize()).isEqualTo(2);
				assertThat(cache.nullTtl()).isEqualTo(TierCacheEndpoint.NOT_CACHED);
				assertThat(cache.staleWhileRevalidate()).isEqualTo("PT0S");
				assertThat(cache.used()).isTrue();
				assertThat(cache.hits()).isEqualTo(1);
				assertThat(cache.misses()).isEqualTo(2);
				assertThat(cache.puts()).isEqualTo(2);
				assertThat(endpoint.cache("stock")).isEqualTo(cache);
				assertThat(endpoint.cache("unknown")).isNull();
			});
	}

	@Test
	void aFreshInstanceKnowsTheCachesItsMethodsDeclareAndRefusesToClearOneItDoesNotKnow() {
		this.exposed.run((context) -> {
			TierCacheEndpoint endpoint = context.getBean(TierCacheEndpoint.class);
			CacheDescriptor stock = endpoint.caches().caches().get("stock");
			assertThat(stock).as("declared, not used yet").isNotNull();
			assertThat(stock.used()).isFalse();
			assertThat(stock.localSize()).isZero();
			assertThat(endpoint.cache("stock")).isEqualTo(stock);
			assertThat(endpoint.clearCaches().invalidated()).containsExactly("tiercache:cache:stock");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.clearCache("stok"))
				.withMessageContaining("No cache 'stok'")
				.withMessageContaining("[stock]");
			assertThat(context.getBean(TieredStore.class).pendingInvalidations()).isZero();
		});
	}

	@Test
	void writeOperationInvalidatesATagInAnotherInstancesLocalTier() {
		this.exposed.run((a) -> this.exposed.run((b) -> {
			StockService stockOfA = a.getBean(StockService.class);
			StockService stockOfB = b.getBean(StockService.class);
			stockOfB.level(1);
			stockOfB.level(2);
			stockOfB.level(1);
			assertThat(stockOfB.invocations()).isEqualTo(2);
			assertThat(b.getBean(TierCacheEndpoint.class).cache("stock").localSize()).isEqualTo(2);

			assertThat(a.getBean(TierCacheEndpoint.class).invalidate(List.of("item:1", " ")).invalidated())
				.containsExactly("item:1");

			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				stockOfB.level(1);
				assertThat(stockOfB.invocations()).isEqualTo(3);
			});
			stockOfB.level(2);
			assertThat(stockOfB.invocations()).as("item:2 was not invalidated").isEqualTo(3);
			assertThat(stockOfA.invocations()).isZero();
		}));
	}

	@Test
	void deleteOperationClearsACacheOnEveryInstance() {
		this.exposed.run((a) -> this.exposed.run((b) -> {
			StockService stockOfB = b.getBean(StockService.class);
			stockOfB.level(1);
			stockOfB.level(2);
			a.getBean(StockService.class).level(3);
			assertThat(a.getBean(TierCacheEndpoint.class).clearCache("stock").invalidated())
				.containsExactly("tiercache:cache:stock");
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				stockOfB.level(1);
				assertThat(stockOfB.invocations()).isEqualTo(3);
			});
			stockOfB.level(2);
			assertThat(stockOfB.invocations()).isEqualTo(4);
		}));
	}

	@Test
	void healthIsDownWhileRedisIsDownAndUpWhenItReturns() {
		this.contextRunner.run((context) -> {
			TierCacheHealthIndicator indicator = context.getBean(TierCacheHealthIndicator.class);
			StockService stock = context.getBean(StockService.class);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP));
			stock.level(1);
			Health up = indicator.health(true);
			assertThat(up.getDetails()).containsKeys("epoch", "lastSequenceSeen", "redisSequence", "lag",
					"localTrusted", "subscriptionConfirmed", "pendingInvalidations");
			assertThat(up.getDetails()).containsEntry("localTrusted", true).containsEntry("lag", 0L);
			redis.stop();
			try {
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(indicator.health(true).getStatus()).isEqualTo(Status.DOWN));
				assertThat(stock.level(1)).as("still answering").isEqualTo(10);
			}
			finally {
				redis.start();
			}
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class StockConfiguration {

		@Bean
		StockService stockService() {
			return new StockService();
		}

	}

	public static class StockService {

		private final AtomicInteger invocations = new AtomicInteger();

		@Cached(name = "stock", tags = "'item:' + #id")
		public long level(long id) {
			this.invocations.incrementAndGet();
			return id * 10;
		}

		public int invocations() {
			return this.invocations.get();
		}

	}

}
