package io.tiercache.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.annotation.Cached;
import io.tiercache.autoconfigure.TierCacheAutoConfiguration;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Freshness through the annotations, in real application contexts on one Redis: a cold
 * key read by 4 contexts x 32 threads at once runs the method once, and
 * {@code CompletableFuture} results are cached by their value.
 */
class FreshnessAnnotationIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	static final AtomicInteger loads = new AtomicInteger();

	/** Callers that have entered the call, so that the load can wait for all of them. */
	static final AtomicInteger callers = new AtomicInteger();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final ExecutorService threads = Executors.newFixedThreadPool(128);

	@BeforeEach
	void setUp() {
		redis.flushAll();
		loads.set(0);
		callers.set(0);
	}

	@AfterEach
	void tearDown() {
		this.threads.shutdownNow();
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aColdKeyReadByFourContextsTimesThirtyTwoThreadsIsLoadedOnce() throws Exception {
		List<Prices> services = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			services.add(start().getBean(Prices.class));
		}
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Long>> results = new ArrayList<>();
		for (Prices prices : services) {
			for (int i = 0; i < 32; i++) {
				results.add(this.threads.submit(() -> {
					start.await();
					callers.incrementAndGet();
					return prices.price(7L);
				}));
			}
		}
		start.countDown();
		for (Future<Long> result : results) {
			assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(700L);
		}
		assertThat(loads).as("one invocation in total for 128 callers").hasValue(1);
	}

	@Test
	void aFutureIsCachedByItsValueAndAFailedOneIsNot() throws Exception {
		Prices prices = start().getBean(Prices.class);
		assertThat(prices.asyncPrice(3L).get(5, TimeUnit.SECONDS)).isEqualTo(300L);
		assertThat(prices.asyncPrice(3L).get(5, TimeUnit.SECONDS)).isEqualTo(300L);
		assertThat(loads).hasValue(1);
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> prices.asyncPrice(-1L).get(5, TimeUnit.SECONDS))
				.hasRootCauseMessage("no price for -1");
		}
		assertThat(loads).hasValue(3);
	}

	private ConfigurableApplicationContext start() {
		List<String> args = new ArrayList<>();
		for (String property : redis.springProperties()) {
			args.add("--" + property);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PricesConfiguration.class)
			.web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
			TierCacheAutoConfiguration.class })
	static class PricesConfiguration {

		@Bean
		Prices prices() {
			return new Prices();
		}

	}

	public static class Prices {

		@Cached(name = "prices", ttl = "10m", tags = "'product:' + #id")
		public Long price(Long id) {
			loads.incrementAndGet();
			// A slow query: it ends only once all 128 callers have made their call.
			await().atMost(Duration.ofSeconds(10)).until(() -> callers.get() == 128);
			return id * 100;
		}

		@Cached(name = "async-prices", ttl = "10m", tags = "'product:' + #id")
		public CompletableFuture<Long> asyncPrice(Long id) {
			loads.incrementAndGet();
			return CompletableFuture.supplyAsync(() -> {
				if (id < 0) {
					throw new IllegalArgumentException("no price for " + id);
				}
				return id * 100;
			});
		}

	}

}
