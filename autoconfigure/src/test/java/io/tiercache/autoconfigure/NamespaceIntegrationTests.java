package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The namespace defaults to {@code spring.application.name}: applications sharing a Redis
 * share entries and invalidations only when their names, or their
 * {@code tiercache.namespace}, are the same.
 */
class NamespaceIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withPropertyValues("tiercache.fanout.check-interval=100ms")
		.withUserConfiguration(ItemsConfiguration.class);

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void applicationsOfOtherNamesSeeNeitherTheEntriesNorTheInvalidationsOfEachOther() {
		ApplicationContextRunner orders = this.contextRunner.withPropertyValues("spring.application.name=orders");
		ApplicationContextRunner billing = this.contextRunner.withPropertyValues("spring.application.name=billing");
		orders.run((first) -> orders.run((second) -> billing.run((other) -> {
			assertThat(first.getBean(TieredStore.class).redis().keys().base()).isEqualTo("{tc:orders}:");
			assertThat(other.getBean(TieredStore.class).redis().keys().base()).isEqualTo("{tc:billing}:");
			ItemsService a = first.getBean(ItemsService.class);
			ItemsService b = second.getBean(ItemsService.class);
			ItemsService c = other.getBean(ItemsService.class);
			a.find(1);
			b.find(1);
			c.find(1);
			assertThat(b.invocations()).as("the same name shares the entry").isZero();
			assertThat(c.invocations()).as("another name loads its own").isOne();
			assertThat((List<?>) redis.command("KEYS", "{tc:billing}:e:*")).hasSize(1);
			a.update(1);
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				b.find(1);
				return b.invocations() == 1;
			});
			c.find(1);
			assertThat(c.invocations()).as("another name's invalidation").isOne();
		})));
	}

	@Test
	void applicationsOfOtherNamesWithOneNamespaceShareEntriesAndInvalidations() {
		ApplicationContextRunner orders = this.contextRunner.withPropertyValues("spring.application.name=orders",
				"tiercache.namespace=shop");
		ApplicationContextRunner billing = this.contextRunner.withPropertyValues("spring.application.name=billing",
				"tiercache.namespace=shop");
		orders.run((first) -> billing.run((other) -> {
			assertThat(other.getBean(TieredStore.class).redis().keys().base()).isEqualTo("{tc:shop}:");
			ItemsService a = first.getBean(ItemsService.class);
			ItemsService c = other.getBean(ItemsService.class);
			a.find(1);
			c.find(1);
			assertThat(c.invocations()).as("the entry the other application loaded").isZero();
			a.update(1);
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				c.find(1);
				return c.invocations() == 1;
			});
		}));
	}

	@Test
	void withoutAnApplicationNameTheNamespaceIsV1() {
		this.contextRunner.run((context) -> assertThat(context.getBean(TieredStore.class).redis().keys().base())
			.isEqualTo("{tc:v1}:"));
	}

	@Test
	void anApplicationNameWithBracesFailsStartupSayingToSetTheNamespace() {
		this.contextRunner.withPropertyValues("spring.application.name=orders-{eu}").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new TierCacheFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("spring.application.name 'orders-{eu}'", "'{' or '}'");
			assertThat(analysis.getAction()).contains("Set tiercache.namespace");
		});
		this.contextRunner.withPropertyValues("spring.application.name=orders-{eu}", "tiercache.namespace=orders-eu")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TieredStore.class).redis().keys().base()).isEqualTo("{tc:orders-eu}:");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class ItemsConfiguration {

		@Bean
		ItemsService itemsService() {
			return new ItemsService();
		}

	}

	static class ItemsService {

		private final AtomicInteger invocations = new AtomicInteger();

		@Cached(tags = "'item:' + #id")
		public String find(long id) {
			this.invocations.incrementAndGet();
			return "item " + id;
		}

		@InvalidatesTags("'item:' + #id")
		public void update(long id) {
		}

		int invocations() {
			return this.invocations.get();
		}

	}

}
