package io.tiercache.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.annotation.Cached;
import io.tiercache.autoconfigure.TierCacheAutoConfigurationTests.RecordingErrorHandler;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cached method that, while loading a key, calls itself through the proxy with that
 * key: the inner call must run the method at once instead of waiting for its own
 * single-flight and then its own lease in Redis, and only the outer result is stored.
 */
class RecursiveLoadIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		// Without detection the inner call waits this long twice, and counts lease waits
		.withPropertyValues("tiercache.lease.max-wait=1s")
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(StoreErrorHandler.class, RecordingErrorHandler::new)
		.withUserConfiguration(RecursiveConfiguration.class);

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void aLoadCallingItselfWithItsOwnKeyRunsTheInnerCallAtOnceUncached() {
		this.contextRunner.run((context) -> {
			RecursiveService service = context.getBean(RecursiveService.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(service.node(7)).isEqualTo("node 7 (inner node 7)");
			assertThat(service.invocations()).isEqualTo(2);
			assertThat(meters.counter("tiercache.lease.waits", "cache", "nodes").count())
				.as("the inner call waited for no lease")
				.isZero();
			assertThat(meters.counter("tiercache.loads.coalesced", "cache", "nodes", "scope", "local").count())
				.as("nor for its own flight")
				.isZero();
			assertThat(meters.counter("tiercache.values.not.cached", "cache", "nodes", "reason", "recursive").count())
				.isEqualTo(1);
			assertThat(((RecordingErrorHandler) context.getBean(StoreErrorHandler.class)).failures)
				.containsExactly("nodes:RECURSIVE_LOAD");
			// The outer result is what the cache holds, in both tiers
			assertThat(service.node(7)).isEqualTo("node 7 (inner node 7)");
			assertThat(service.invocations()).isEqualTo(2);
			assertThat(redis.command("GET", "{tc:v1}:e:nodes:7")).isNotNull();
		});
	}

	@Test
	void aLoadCallingItselfWithOtherKeysCachesEachOfThem() {
		this.contextRunner.run((context) -> {
			RecursiveService service = context.getBean(RecursiveService.class);
			assertThat(service.factorial(5)).isEqualTo(120);
			assertThat(service.invocations()).isEqualTo(5);
			assertThat(service.factorial(4)).isEqualTo(24);
			assertThat(service.invocations()).as("4 was cached by the load of 5").isEqualTo(5);
			assertThat(((RecordingErrorHandler) context.getBean(StoreErrorHandler.class)).failures).isEmpty();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class RecursiveConfiguration {

		@Bean
		RecursiveService recursiveService(ObjectProvider<RecursiveService> self) {
			return new RecursiveService(self);
		}

	}

	public static class RecursiveService {

		private final ObjectProvider<RecursiveService> self;

		private final AtomicInteger invocations = new AtomicInteger();

		private final ThreadLocal<Boolean> inner = ThreadLocal.withInitial(() -> false);

		public RecursiveService(ObjectProvider<RecursiveService> self) {
			this.self = self;
		}

		@Cached(name = "nodes")
		public String node(long id) {
			this.invocations.incrementAndGet();
			if (this.inner.get()) {
				return "inner node " + id;
			}
			this.inner.set(true);
			try {
				// Through the proxy, with the key being loaded
				return "node " + id + " (" + this.self.getObject().node(id) + ")";
			}
			finally {
				this.inner.set(false);
			}
		}

		@Cached(name = "factorials")
		public long factorial(long n) {
			this.invocations.incrementAndGet();
			return (n <= 1) ? 1 : n * this.self.getObject().factorial(n - 1);
		}

		public int invocations() {
			return this.invocations.get();
		}

	}

}
