package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.annotation.Cached;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Overloaded {@code @Cached} methods: each overload has a cache of its own, named with
 * its parameter types, so that {@code find(42L)} and {@code find("42")} never share an
 * entry, in either tier; a method that is not overloaded keeps {@code Class.method}.
 */
class OverloadedMethodsIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withUserConfiguration(OverloadsConfiguration.class);

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void overloadsNeverShareAnEntryInEitherTier() {
		this.contextRunner.run((first) -> this.contextRunner.run((second) -> {
			assertThat(first).hasNotFailed();
			OverloadsService a = first.getBean(OverloadsService.class);
			OverloadsService b = second.getBean(OverloadsService.class);
			assertThat(a.find(42L)).isEqualTo("long 42");
			assertThat(a.find("42")).isEqualTo("string 42");
			assertThat(a.find(42L)).isEqualTo("long 42");
			assertThat(a.find("42")).isEqualTo("string 42");
			assertThat(a.invocations()).as("each overload loaded once, then served locally").isEqualTo(2);
			// The other instance reads both from Redis
			assertThat(b.find("42")).isEqualTo("string 42");
			assertThat(b.find(42L)).isEqualTo("long 42");
			assertThat(b.invocations()).isZero();
			assertThat(first.getBean(TieredStore.class).caches()).containsOnlyKeys("OverloadsService.find(long)",
					"OverloadsService.find(String)");
			assertThat((List<?>) redis.command("KEYS", "*:e:OverloadsService.find(*")).hasSize(2);
		}));
	}

	@Test
	void aMethodThatIsNotOverloadedKeepsItsName() {
		this.contextRunner.run((context) -> {
			OverloadsService service = context.getBean(OverloadsService.class);
			service.other(1);
			service.named(1);
			service.named("1");
			assertThat(context.getBean(TieredStore.class).caches()).containsOnlyKeys("OverloadsService.other",
					"OverloadsService.named", "byName");
		});
	}

	@Test
	void perCachePropertiesOfAnOverloadUseItsName() {
		this.contextRunner.withPropertyValues("tiercache.caches[OverloadsService.find(long)].ttl=5m").run((context) -> {
			OverloadsService service = context.getBean(OverloadsService.class);
			service.find(1L);
			service.find("1");
			TieredStore store = context.getBean(TieredStore.class);
			assertThat(store.caches().get("OverloadsService.find(long)").settings().ttl())
				.isEqualTo(Duration.ofMinutes(5));
			assertThat(store.caches().get("OverloadsService.find(String)").settings().ttl())
				.isEqualTo(Duration.ofHours(1));
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "tiercache.caches[OverloadsService.find].ttl=5m",
			"tiercache.caches.OverloadsService.find.ttl=5m" })
	void perCachePropertiesOfTheNameOverloadsNoLongerHaveFailStartup(String property) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContainingAll(OverloadsService.class.getName() + ".find(",
						"tiercache.caches.OverloadsService.find is set", "tiercache.caches[OverloadsService.find(",
						"@Cached(name = ...)");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OverloadsConfiguration {

		@Bean
		OverloadsService overloadsService() {
			return new OverloadsService();
		}

	}

	public static class OverloadsService {

		private final AtomicInteger invocations = new AtomicInteger();

		@Cached
		public String find(long id) {
			this.invocations.incrementAndGet();
			return "long " + id;
		}

		@Cached
		public String find(String id) {
			this.invocations.incrementAndGet();
			return "string " + id;
		}

		@Cached
		public String other(long id) {
			return "other " + id;
		}

		// Overloaded, but only one overload takes the default name
		@Cached
		public String named(long id) {
			return "named " + id;
		}

		@Cached(name = "byName")
		public String named(String id) {
			return "named " + id;
		}

		public int invocations() {
			return this.invocations.get();
		}

	}

}
