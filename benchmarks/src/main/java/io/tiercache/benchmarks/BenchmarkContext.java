package io.tiercache.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.tiercache.test.EmbeddedRedis;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * An embedded Redis and a Spring Boot application context connected to it: what each
 * benchmark state starts in its trial setup and closes in its trial teardown.
 */
final class BenchmarkContext implements AutoCloseable {

	// Null when the Redis is shared and closed by whoever started it
	private final @Nullable EmbeddedRedis redis;

	private final ConfigurableApplicationContext context;

	private BenchmarkContext(@Nullable EmbeddedRedis redis, ConfigurableApplicationContext context) {
		this.redis = redis;
		this.context = context;
	}

	/**
	 * Start Redis, then the application.
	 * @param configuration the application's configuration class
	 * @param properties extra properties in {@code name=value} form
	 * @return the running context
	 */
	static BenchmarkContext start(Class<?> configuration, String... properties) {
		EmbeddedRedis redis = EmbeddedRedis.start();
		try {
			return new BenchmarkContext(redis, run(redis, configuration, properties));
		}
		catch (RuntimeException ex) {
			redis.close();
			throw ex;
		}
	}

	/**
	 * Start an application against a Redis that other contexts share: what a stampede across
	 * several application instances needs. {@link #close()} closes the application only.
	 * @param redis the shared Redis, closed by the caller
	 * @param configuration the application's configuration class
	 * @param properties extra properties in {@code name=value} form
	 * @return the running context
	 */
	static BenchmarkContext startOn(EmbeddedRedis redis, Class<?> configuration, String... properties) {
		return new BenchmarkContext(null, run(redis, configuration, properties));
	}

	private static ConfigurableApplicationContext run(EmbeddedRedis redis, Class<?> configuration,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.data.redis.host=" + redis.host(),
				"spring.data.redis.port=" + redis.port(), "logging.level.root=WARN",
				"spring.main.log-startup-info=false", "spring.jmx.enabled=false"));
		all.addAll(Arrays.asList(properties));
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			.run();
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/**
	 * Commands Redis has processed so far ({@code INFO stats}), counting this one: tells
	 * whether a series of calls went to Redis.
	 * @return the number of commands
	 */
	long redisCommandsProcessed() {
		try (RedisConnection connection = bean(RedisConnectionFactory.class).getConnection()) {
			Properties stats = connection.serverCommands().info("stats");
			return Long.parseLong(stats.getProperty("total_commands_processed").trim());
		}
	}

	@Override
	public void close() {
		try {
			this.context.close();
		}
		finally {
			if (this.redis != null) {
				this.redis.close();
			}
		}
	}

	/**
	 * Fail the trial unless every id of {@link ProductIds} is now a hit: over two rounds of
	 * all the ids, the method body never runs, and the calls reach Redis (or not) as the
	 * benchmark claims.
	 * @param what the variant, for messages
	 * @param loads how many times the method body has run
	 * @param find a call through the variant
	 * @param tier where the hits must come from
	 */
	void verifyHits(String what, LongSupplier loads, LongConsumer find, Tier tier) {
		int calls = 2 * ProductIds.COUNT;
		long loadsBefore = loads.getAsLong();
		long commandsBefore = redisCommandsProcessed();
		for (int i = 0; i < calls; i++) {
			find.accept(ProductIds.id(i % ProductIds.COUNT));
		}
		long loaded = loads.getAsLong() - loadsBefore;
		// Minus the INFO that took the second reading
		long commands = redisCommandsProcessed() - commandsBefore - 1;
		check(loaded == 0, what + ": the method ran " + loaded + " times in " + calls + " calls: not all hits");
		if (tier == Tier.LOCAL) {
			// Room for background commands (the subscriber's periodic check), never one per call
			check(commands < calls / 10,
					what + ": " + commands + " Redis commands for " + calls + " calls: not local hits");
		}
		else {
			check(commands >= calls,
					what + ": only " + commands + " Redis commands for " + calls + " calls: not Redis hits");
		}
	}

	/** Where {@link #verifyHits} expects hits to come from. */
	enum Tier {

		/** This process's memory: no Redis command. */
		LOCAL,

		/** Redis: at least one command per call. */
		REDIS

	}

	/**
	 * Fail unless the method body has not run since the given count: called after each
	 * iteration of a hit benchmark, so that a result never mixes hits with misses.
	 * @param what the variant, for messages
	 * @param products the bean
	 * @param since the count when the iteration started
	 * @return the current count
	 */
	static long checkNoLoads(String what, ProductSource products, long since) {
		long loads = products.loads();
		check(loads == since, what + ": the method ran " + (loads - since)
				+ " times during the iteration: not every operation was a hit");
		return loads;
	}

	/**
	 * Fail if Redis processed more than a few commands since the given count: called after
	 * each iteration of a local-hit benchmark, whose millions of operations must not have
	 * fallen back to Redis (a cleared or distrusted L1 would).
	 * @param what the variant, for messages
	 * @param since the count when the iteration started
	 */
	void checkFewRedisCommands(String what, long since) {
		long commands = redisCommandsProcessed() - since - 1;
		check(commands < 1000, what + ": " + commands
				+ " Redis commands during the iteration: some operations were not local hits");
	}

	static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	static void await(BooleanSupplier condition, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what);
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted waiting for " + what, ex);
			}
		}
	}

}
