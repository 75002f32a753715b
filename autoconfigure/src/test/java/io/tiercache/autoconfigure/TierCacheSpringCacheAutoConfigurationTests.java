package io.tiercache.autoconfigure;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.cache.TierCacheCacheManager;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TierCacheSpringCacheAutoConfiguration}: the bridge is opt-in, backs
 * off for an application's own {@link CacheManager}, and makes {@code @CacheEvict} on one
 * instance reach the others.
 */
class TierCacheSpringCacheAutoConfigurationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class, TierCacheSpringCacheAutoConfiguration.class))
		.withPropertyValues(redis.springProperties())
		.withPropertyValues("tiercache.spring-cache.trusted-packages=io.tiercache.autoconfigure");

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void definesNoCacheManagerUnlessEnabled() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(CacheManager.class);
		});
	}

	@Test
	void definesTheCacheManagerWhenEnabled() {
		this.contextRunner.withPropertyValues("tiercache.spring-cache.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(TierCacheCacheManager.class);
			assertThat(context).getBean("cacheManager").isInstanceOf(TierCacheCacheManager.class);
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesACacheManager() {
		this.contextRunner.withPropertyValues("tiercache.spring-cache.enabled=true")
			.withBean(ConcurrentMapCacheManager.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(CacheManager.class).doesNotHaveBean(TierCacheCacheManager.class);
			});
	}

	@Test
	void cacheSettingsComeFromPropertiesAndCustomizers() {
		this.contextRunner
			.withPropertyValues("tiercache.spring-cache.enabled=true", "tiercache.caches.books.ttl=7m",
					"tiercache.caches.books.local=false")
			.withBean(TierCacheCustomizer.class, () -> (settings) -> settings.withTtl(settings.ttl().plusMinutes(1)))
			.run((context) -> {
				CacheManager cacheManager = context.getBean(CacheManager.class);
				io.tiercache.store.TieredCache cache = (io.tiercache.store.TieredCache) cacheManager.getCache("books")
					.getNativeCache();
				assertThat(cache.settings().ttl()).isEqualTo(Duration.ofMinutes(8));
				assertThat(cache.settings().local()).isFalse();
			});
	}

	@Test
	void aBridgeCacheWithInvalidSettingsIsRefusedAsAnAnnotatedMethodIsRefused() {
		// The default ttl, 1h, plus this window exceeds tiercache.max-ttl
		this.contextRunner.withPropertyValues("tiercache.spring-cache.enabled=true", "tiercache.max-ttl=1h")
			.withBean(TierCacheCustomizer.class,
					() -> (settings) -> settings.withStaleWhileRevalidate(Duration.ofMinutes(30)))
			.withUserConfiguration(BooksConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String message = "Invalid settings of cache 'books': "
						+ "ttl PT1H plus staleWhileRevalidate PT30M exceeds tiercache.max-ttl PT1H";
				CacheManager cacheManager = context.getBean(CacheManager.class);
				assertThatIllegalStateException().isThrownBy(() -> cacheManager.getCache("books")).withMessage(message);
				BookService service = context.getBean(BookService.class);
				assertThatIllegalStateException().isThrownBy(() -> service.find(1)).withMessage(message);
				assertThat(service.loads()).isZero();
			});
	}

	@Test
	void aPerCacheStaleWhileRevalidateBeyondMaxTtlFailsStartupForABridgeCache() {
		this.contextRunner
			.withPropertyValues("tiercache.spring-cache.enabled=true", "tiercache.max-ttl=1h",
					"tiercache.caches.books.stale-while-revalidate=30m")
			.withUserConfiguration(BooksConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				// Checked once every bean exists: no method declares the cache
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.isInstanceOf(TierCacheConfigurationException.class)
					.hasMessage("Invalid tiercache.caches.books: "
							+ "ttl PT1H plus staleWhileRevalidate PT30M exceeds tiercache.max-ttl PT1H"
							+ " (ttl from tiercache.default-ttl, staleWhileRevalidate from"
							+ " tiercache.caches.books.stale-while-revalidate)");
			});
	}

	@Test
	void cacheEvictOnOneInstanceIsSeenByTheOther() {
		ApplicationContextRunner runner = this.contextRunner.withPropertyValues("tiercache.spring-cache.enabled=true")
			.withUserConfiguration(BooksConfiguration.class);
		runner.run((first) -> runner.run((second) -> {
			BookService a = first.getBean(BookService.class);
			BookService b = second.getBean(BookService.class);
			assertThat(a.find(1)).isEqualTo(new Book(1, "title 1 v1"));
			assertThat(b.find(1)).as("read from Redis, loaded by the first instance")
				.isEqualTo(new Book(1, "title 1 v1"));
			assertThat(b.find(1)).isEqualTo(new Book(1, "title 1 v1"));
			assertThat(b.find(2)).isEqualTo(new Book(2, "title 2 v1"));
			assertThat(a.loads() + b.loads()).isEqualTo(2);

			a.rename(1);
			// The second instance held book 1 in its local tier: the eviction must reach
			// it
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(b.find(1)).isEqualTo(new Book(1, "title 1 v2")));
			assertThat(b.find(2)).as("other keys stay cached").isEqualTo(new Book(2, "title 2 v1"));
			assertThat(a.loads() + b.loads()).isEqualTo(3);

			b.renameAll();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(a.find(2)).isEqualTo(new Book(2, "title 2 v2")));
		}));
	}

	@Test
	void multiArgumentCacheableCallsKeepTheirOwnResultsAcrossInstances() {
		ApplicationContextRunner runner = this.contextRunner.withPropertyValues("tiercache.spring-cache.enabled=true")
			.withUserConfiguration(BooksConfiguration.class);
		runner.run((first) -> runner.run((second) -> {
			BookService a = first.getBean(BookService.class);
			BookService b = second.getBean(BookService.class);
			assertThat(a.page(1, "title")).isEqualTo("page 1 by title");
			// Spring's SimpleKey of (2, "year") must not be read as the entry of (1,
			// "title")
			assertThat(b.page(2, "year")).isEqualTo("page 2 by year");
			assertThat(b.page(1, "title")).as("read from Redis, stored by the first instance")
				.isEqualTo("page 1 by title");
			assertThat(a.page(2, "year")).isEqualTo("page 2 by year");
			assertThat(a.pageLoads() + b.pageLoads()).isEqualTo(2);
		}));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class BooksConfiguration {

		@Bean
		BookService bookService() {
			return new BookService();
		}

	}

	/** Every instance reads one shared "database": a version per book. */
	public static class BookService {

		static final int[] versions = { 1, 1, 1 };

		private final AtomicInteger loads = new AtomicInteger();

		BookService() {
			versions[1] = 1;
			versions[2] = 1;
		}

		@Cacheable("books")
		public Book find(int id) {
			this.loads.incrementAndGet();
			return new Book(id, "title " + id + " v" + versions[id]);
		}

		private final AtomicInteger pageLoads = new AtomicInteger();

		@Cacheable("pages")
		public String page(int number, String order) {
			this.pageLoads.incrementAndGet();
			return "page " + number + " by " + order;
		}

		int pageLoads() {
			return this.pageLoads.get();
		}

		@CacheEvict(cacheNames = "books", key = "#id")
		public void rename(int id) {
			versions[id]++;
		}

		@CacheEvict(cacheNames = "books", allEntries = true)
		public void renameAll() {
			versions[1]++;
			versions[2]++;
		}

		int loads() {
			return this.loads.get();
		}

	}

	public record Book(int id, String title) implements Serializable {
	}

}
