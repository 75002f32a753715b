package io.tiercache.sample;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.cache.RedisCacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code spring-cache} profile of the load comparison: the same catalog on Spring's
 * {@code @Cacheable} and {@code @CacheEvict} over Boot's {@code RedisCacheManager}, with
 * tiercache off. What it caches is served without the database, and what it evicts is
 * read again.
 */
class SpringCacheProfileIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.embedded();

	@Test
	void servesTheCatalogFromRedisCacheManagerAndEvictsOnWrites() {
		try (ConfigurableApplicationContext app = start()) {
			assertThat(app.getBean(CacheManager.class)).isInstanceOf(RedisCacheManager.class);
			CatalogService catalog = app.getBean(CatalogService.class);
			Product product = catalog.product(8);
			double selects = selects(app);
			assertThat(catalog.product(8)).isEqualTo(product);
			assertThat(selects(app) - selects).as("cached product").isEqualTo(0);
			assertThat(catalog.categoryPage("tools", 0, 10).products()).contains(product);
			assertThat(selects(app) - selects).as("the first page read: its category and its products").isEqualTo(2);
			assertThat(catalog.categoryPage("tools", 0, 10).products()).contains(product);
			assertThat(selects(app) - selects).as("cached page").isEqualTo(2);

			// Each write is read back at once, many times over: an eviction that lands
			// after the next read would show the old price at least once.
			for (int i = 1; i <= 20; i++) {
				BigDecimal price = product.price().add(BigDecimal.valueOf(i));
				catalog.updatePrice(8, price);
				assertThat(catalog.product(8).price()).as("write %d", i).isEqualByComparingTo(price);
				assertThat(catalog.categoryPage("tools", 0, 10).products()).as("write %d", i)
					.anySatisfy((listed) -> assertThat(listed.price()).isEqualByComparingTo(price));
			}
		}
	}

	private static double selects(ConfigurableApplicationContext app) {
		return app.getBean(MeterRegistry.class).counter("sample.database.statements", "kind", "read").count();
	}

	private static ConfigurableApplicationContext start() {
		List<String> args = new ArrayList<>(
				List.of("--spring.profiles.active=spring-cache", "--server.port=0", "--spring.main.banner-mode=off"));
		Stream.of(redis.springProperties()).map((property) -> "--" + property).forEach(args::add);
		return new SpringApplicationBuilder(SampleApplication.class).run(args.toArray(String[]::new));
	}

}
