package io.tiercache.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.test.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys and tags that evaluate to {@code null} at run time: a {@code null} argument is a
 * key of its own, a key or tag expression of {@code @Cached} yielding {@code null} leaves
 * the call uncached, and a {@code null} tag of {@code @InvalidatesTags} is skipped; each
 * reported, none reaching the caller.
 */
class NullKeysAndTagsIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final Recording errors = new Recording();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(StoreErrorHandler.class, () -> this.errors)
		.withUserConfiguration(NullsConfiguration.class);

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	@SuppressWarnings("unchecked")
	void aNullArgumentIsAKeyOfItsOwnDistinctFromTheStringNull() {
		this.contextRunner.run((context) -> {
			NullsService service = context.getBean(NullsService.class);
			assertThat(service.bySku(null)).isEqualTo("sku null");
			assertThat(service.bySku("null")).isEqualTo("sku 'null'");
			assertThat(service.bySku(null)).isEqualTo("sku null");
			assertThat(service.bySku("null")).isEqualTo("sku 'null'");
			assertThat(service.invocations()).isEqualTo(2);
			assertThat((List<Object>) redis.command("KEYS", "{tc:v1}:e:skus:*"))
				.containsExactlyInAnyOrder("{tc:v1}:e:skus:~null", "{tc:v1}:e:skus:null");
			assertThat(this.errors.reports).isEmpty();
		});
	}

	@Test
	void aKeyExpressionYieldingNullRunsTheCallUncachedAndIsReported() {
		this.contextRunner.run((context) -> {
			NullsService service = context.getBean(NullsService.class);
			assertThat(service.byQuery(new Query(null, "lamp"))).isEqualTo("query lamp");
			assertThat(service.byQuery(new Query(null, "desk"))).as("never the entry of another query")
				.isEqualTo("query desk");
			assertThat(service.invocations()).isEqualTo(2);
			assertThat((List<?>) redis.command("KEYS", "{tc:v1}:e:queries:*")).isEmpty();
			assertThat(this.errors.reports).containsOnly("@Cached key #query.id NULL_KEY");
			assertThat(failures(context, "key", "null_key")).isEqualTo(2);
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void aNullArgumentTagRunsTheCallUncachedAndIsReported() {
		this.contextRunner.run((context) -> {
			NullsService service = context.getBean(NullsService.class);
			assertThat(service.listings(null)).isEqualTo("listings everywhere");
			assertThat(service.listings(null)).isEqualTo("listings everywhere");
			assertThat(service.invocations()).as("an entry without its region tag would outlive it").isEqualTo(2);
			assertThat(this.errors.reports).containsOnly("@Cached tag #region NULL_TAG_CALL_UNCACHED");
			assertThat(failures(context, "tag", "null_tag_call_uncached")).isEqualTo(2);
			assertThat(service.listings("eu")).isEqualTo("listings eu");
			assertThat(service.listings("eu")).isEqualTo("listings eu");
			assertThat(service.invocations()).as("a region that is not null is cached").isEqualTo(3);
			assertThat((List<Object>) redis.command("KEYS", "{tc:v1}:e:listings:*"))
				.containsExactly("{tc:v1}:e:listings:eu");
		});
	}

	@Test
	void aNullResultTagLeavesTheResultUncachedAndIsReported() {
		this.contextRunner.run((context) -> {
			NullsService service = context.getBean(NullsService.class);
			assertThat(service.shelf(1)).isEqualTo("shelf 1");
			assertThat(service.shelf(1)).isEqualTo("shelf 1");
			assertThat(service.invocations()).isEqualTo(2);
			assertThat((List<?>) redis.command("KEYS", "{tc:v1}:e:shelves:*")).isEmpty();
			assertThat(this.errors.reports)
				.containsOnly("@Cached tag #result.length() > 100 ? 'long' : null NULL_TAG_RESULT_NOT_CACHED");
			assertThat(failures(context, "tag", "null_tag_result_not_cached")).isEqualTo(2);
		});
	}

	@Test
	void aNullTagOfAnInvalidationIsSkippedAndItsOtherTagsAreInvalidated() {
		this.contextRunner.run((context) -> {
			NullsService service = context.getBean(NullsService.class);
			assertThat(service.owned(1)).isEqualTo("item 1");
			assertThat(service.owned(1)).isEqualTo("item 1");
			assertThat(service.invocations()).isEqualTo(1);
			service.touch(1, null);
			assertThat(this.errors.reports).containsOnly("@InvalidatesTags tag #owner NULL_TAG_SKIPPED");
			assertThat(failures(context, "tag", "null_tag_skipped")).isEqualTo(1);
			assertThat(service.owned(1)).as("the other tag was invalidated").isEqualTo("item 1");
			assertThat(service.invocations()).isEqualTo(2);
		});
	}

	private static double failures(ApplicationContext context, String attribute, String consequence) {
		Counter counter = context.getBean(MeterRegistry.class)
			.find("tiercache.expression.failures")
			.tags("attribute", attribute, "consequence", consequence)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	record Query(@Nullable Long id, String text) {
	}

	@Configuration(proxyBeanMethods = false)
	static class NullsConfiguration {

		@Bean
		NullsService nullsService() {
			return new NullsService();
		}

	}

	public static class NullsService {

		private final AtomicInteger invocations = new AtomicInteger();

		@Cached(name = "skus")
		public String bySku(@Nullable String sku) {
			this.invocations.incrementAndGet();
			return "sku " + ((sku != null) ? "'" + sku + "'" : "null");
		}

		@Cached(name = "queries", key = "#query.id")
		public String byQuery(Query query) {
			this.invocations.incrementAndGet();
			return "query " + query.text();
		}

		@Cached(name = "listings", tags = "#region")
		public String listings(@Nullable String region) {
			this.invocations.incrementAndGet();
			return "listings " + ((region != null) ? region : "everywhere");
		}

		@Cached(name = "shelves", tags = { "'shelf:' + #id", "#result.length() > 100 ? 'long' : null" })
		public String shelf(long id) {
			this.invocations.incrementAndGet();
			return "shelf " + id;
		}

		@Cached(name = "items", tags = "'item:' + #id")
		public String owned(long id) {
			this.invocations.incrementAndGet();
			return "item " + id;
		}

		@InvalidatesTags({ "'item:' + #id", "#owner" })
		public void touch(long id, @Nullable String owner) {
		}

		public int invocations() {
			return this.invocations.get();
		}

	}

	static class Recording implements StoreErrorHandler {

		final List<String> reports = new CopyOnWriteArrayList<>();

		@Override
		public void handleRedisError(String operation, RuntimeException ex) {
			this.reports.add("redis " + operation);
		}

		@Override
		public void handleCacheError(String cacheName, CacheFailure failure, Throwable ex) {
			this.reports.add(cacheName + " " + failure);
		}

		@Override
		public void handleExpressionError(String source, String attribute, String expression,
				ExpressionConsequence consequence, RuntimeException ex) {
			this.reports.add(source.substring(0, source.indexOf(" on ")) + " " + attribute + " " + expression + " "
					+ consequence);
		}

	}

}
