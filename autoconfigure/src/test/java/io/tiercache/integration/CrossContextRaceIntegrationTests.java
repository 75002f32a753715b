package io.tiercache.integration;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.autoconfigure.TierCacheAutoConfiguration;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-populates-stale race across two application contexts sharing one Redis, forced
 * deterministically: a load in context A reads the old row and blocks; context B commits
 * a change and invalidates; A's load then completes. A's caller may get the old row, but
 * no context ever serves it afterwards.
 */
class CrossContextRaceIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	/** The "database" both contexts read: shared, as a real database would be. */
	static final Map<Long, Long> database = new ConcurrentHashMap<>();

	/** Set to make the next load block after reading its row. */
	static final AtomicReference<CountDownLatch[]> blockNextLoad = new AtomicReference<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				TierCacheAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withPropertyValues(redis.springProperties());

	@BeforeEach
	void setUp() {
		redis.flushAll();
		database.put(1L, 1L);
	}

	@Test
	void aLoadThatRacedACommitInAnotherContextIsNeverServedAfterwards() {
		this.contextRunner.run((a) -> this.contextRunner.run((b) -> {
			Catalog catalogA = a.getBean(Catalog.class);
			Catalog catalogB = b.getBean(Catalog.class);
			CountDownLatch loaded = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			blockNextLoad.set(new CountDownLatch[] { loaded, release });
			CompletableFuture<Long> racingRead = CompletableFuture.supplyAsync(() -> catalogA.version(1L));
			assertThat(loaded.await(10, TimeUnit.SECONDS)).isTrue();

			catalogB.update(1L, 2L);
			release.countDown();

			assertThat(racingRead.get(10, TimeUnit.SECONDS)).as("the racing read itself saw the old row").isEqualTo(1L);
			int loadsBefore = Catalog.loads.get();
			assertThat(catalogA.version(1L)).isEqualTo(2L);
			assertThat(catalogB.version(1L)).isEqualTo(2L);
			assertThat(Catalog.loads.get() - loadsBefore).as("the old row was never stored").isEqualTo(1);
			assertThat(catalogA.version(1L)).isEqualTo(2L);
			assertThat(Catalog.loads.get() - loadsBefore).as("the new one was").isEqualTo(1);
		}));
	}

	@Configuration(proxyBeanMethods = false)
	static class CatalogConfiguration {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

	public static class Catalog {

		static final AtomicInteger loads = new AtomicInteger();

		@Cached(name = "versions", ttl = "10m", tags = "'product:' + #id")
		public Long version(Long id) {
			loads.incrementAndGet();
			Long version = database.get(id);
			CountDownLatch[] latches = blockNextLoad.getAndSet(null);
			if (latches != null) {
				latches[0].countDown();
				try {
					latches[1].await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return version;
		}

		@InvalidatesTags("'product:' + #id")
		public void update(Long id, Long version) {
			database.put(id, version);
		}

	}

}
