package io.tiercache.sample;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code postgres} profile: a real PostgreSQL started for the sample with nothing
 * installed, migrated and seeded by the same Flyway scripts as H2, shared by two
 * instances whose caches stay in step.
 */
class PostgresProfileIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.embedded();

	@Test
	void twoInstancesShareOnePostgresAndSeeEachOthersWrites() throws Exception {
		try (ConfigurableApplicationContext a = start("--sample.embedded-postgres.port=0")) {
			int port = a.getEnvironment().getProperty("sample.embedded-postgres.port", Integer.class);
			assertThat(port).isPositive();
			JdbcTemplate jdbc = new JdbcTemplate(a.getBean(DataSource.class));
			assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
			assertThat(jdbc.queryForObject("select count(*) from product", Integer.class)).isEqualTo(60);
			try (ConfigurableApplicationContext b = start("--sample.embedded-postgres.port=" + port)) {
				assertThat(b.containsBean(EmbeddedPostgresEnvironmentPostProcessor.BEAN_NAME)).as("joined").isFalse();
				CatalogService onA = a.getBean(CatalogService.class);
				CatalogService onB = b.getBean(CatalogService.class);
				Product old = onB.product(7);
				assertThat(onB.product(7)).isEqualTo(old);
				BigDecimal price = old.price().add(BigDecimal.ONE);
				onA.updatePrice(7, price);
				await().untilAsserted(() -> assertThat(onB.product(7).price()).isEqualByComparingTo(price));
				assertThat(onB.adjustPrices("tea", new BigDecimal("-50"))).isEqualTo(12);
				assertThat(onA.search("earl grey")).singleElement()
					.satisfies((product) -> assertThat(product.price()).isLessThan(new BigDecimal("30")));
			}
		}
	}

	private static ConfigurableApplicationContext start(String... extra) {
		List<String> args = new ArrayList<>(
				List.of("--spring.profiles.active=postgres", "--server.port=0", "--spring.main.banner-mode=off"));
		Stream.of(redis.springProperties()).map((property) -> "--" + property).forEach(args::add);
		args.addAll(List.of(extra));
		return new SpringApplicationBuilder(SampleApplication.class).run(args.toArray(String[]::new));
	}

}
