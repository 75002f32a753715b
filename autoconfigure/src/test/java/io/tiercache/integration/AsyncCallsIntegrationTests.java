package io.tiercache.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cached method returning a {@code CompletableFuture} never makes a thread wait on
 * Redis: neither its caller, which gets the future while a paused Redis holds the read,
 * nor the thread that completes the method's future, while a paused Redis holds the
 * store. Redis is paused for real ({@code CLIENT PAUSE}), for less than the command
 * timeout, so that the round trips wait rather than fail.
 */
class AsyncCallsIntegrationTests {

	private static final Duration PAUSE = Duration.ofSeconds(2);

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	static final AtomicInteger loads = new AtomicInteger();

	/** The threads the method ran on. */
	static final Set<String> loadThreads = ConcurrentHashMap.newKeySet();

	/** The futures {@link Prices#pendingPrice} returned, for the test to complete. */
	static final List<CompletableFuture<Long>> pending = new ArrayList<>();

	private ConfigurableApplicationContext context;

	private Prices prices;

	@BeforeEach
	void setUp() throws Exception {
		redis.flushAll();
		loads.set(0);
		loadThreads.clear();
		pending.clear();
		List<String> args = new ArrayList<>(List.of("--tiercache.redis.command-timeout=10s"));
		for (String property : redis.springProperties()) {
			args.add("--" + property);
		}
		this.context = new SpringApplicationBuilder(PricesConfiguration.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
		this.prices = this.context.getBean(Prices.class);
		// Connected, scripts loaded: what follows waits on the pause only
		assertThat(this.prices.price(1L).get(10, TimeUnit.SECONDS)).isEqualTo(100L);
		loads.set(0);
		loadThreads.clear();
	}

	@AfterEach
	void tearDown() {
		this.context.close();
	}

	@Test
	void theCallerGetsItsFutureWhileRedisHoldsTheRead() throws Exception {
		redis.pause(PAUSE);
		CompletableFuture<Long> price = this.prices.price(2L);
		assertThat(price).as("returned while Redis is paused, before any answer from it").isNotDone();
		assertThat(price.get(10, TimeUnit.SECONDS)).isEqualTo(200L);
		assertThat(loadThreads).as("the method ran on the store's threads, not the caller's")
			.allSatisfy((thread) -> assertThat(thread).startsWith("tiercache-async"))
			.isNotEmpty();
		assertThat(this.prices.price(2L).get(10, TimeUnit.SECONDS)).isEqualTo(200L);
		assertThat(loads).as("the value was stored, and the second call hit").hasValue(1);
	}

	@Test
	void completingTheMethodsFutureDoesNotWaitForTheStore() throws Exception {
		CompletableFuture<Long> price = this.prices.pendingPrice(5L);
		await().atMost(Duration.ofSeconds(10)).until(() -> loads.get() == 1);
		CompletableFuture<Long> methodsFuture;
		synchronized (pending) {
			methodsFuture = pending.get(0);
		}
		redis.pause(PAUSE);
		methodsFuture.complete(500L);
		assertThat(price).as("the store waits on the paused Redis, not on the thread that completed the future")
			.isNotDone();
		assertThat(price.get(10, TimeUnit.SECONDS)).isEqualTo(500L);
		assertThat(this.prices.pendingPrice(5L).get(10, TimeUnit.SECONDS)).isEqualTo(500L);
		assertThat(loads).as("the value was stored, and the second call hit").hasValue(1);
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

		/** A price known at once: the future is complete when the method returns. */
		@Cached(name = "prices", ttl = "10m", tags = "'product:' + #id")
		public CompletableFuture<Long> price(Long id) {
			loads.incrementAndGet();
			loadThreads.add(Thread.currentThread().getName());
			return CompletableFuture.completedFuture(id * 100);
		}

		/** A price the test completes, from its own thread. */
		@Cached(name = "pending-prices", ttl = "10m", tags = "'product:' + #id")
		public CompletableFuture<Long> pendingPrice(Long id) {
			CompletableFuture<Long> price = new CompletableFuture<>();
			synchronized (pending) {
				pending.add(price);
			}
			loads.incrementAndGet();
			return price;
		}

	}

}
