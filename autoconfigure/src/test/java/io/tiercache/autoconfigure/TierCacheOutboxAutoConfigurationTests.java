package io.tiercache.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.interceptor.TransactionalInvalidationPostProcessor;
import io.tiercache.metrics.OutboxMeters;
import io.tiercache.outbox.JdbcInvalidationOutbox;
import io.tiercache.outbox.OutboxRelay;
import io.tiercache.outbox.PostgresServerExtension;
import io.tiercache.outbox.TestDatabase;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TierCacheOutboxConfiguration} and
 * {@link TierCacheOutboxSchemaInitializer}, against a real Redis, H2 and a real
 * PostgreSQL server.
 */
class TierCacheOutboxAutoConfigurationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static PostgresServerExtension postgres = new PostgresServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class, TierCacheAutoConfiguration.class,
				TierCacheMetricsAutoConfiguration.class))
		.withPropertyValues(redis.springProperties());

	@BeforeEach
	void reset() {
		TestDatabase.reset(postgres);
	}

	@Test
	void definesNoOutboxUnlessEnabled() {
		this.contextRunner.withPropertyValues(TestDatabase.H2.springProperties()).run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(JdbcInvalidationOutbox.class)
				.doesNotHaveBean(OutboxRelay.class)
				.doesNotHaveBean(TransactionalInvalidationPostProcessor.class)
				.doesNotHaveBean(TierCacheOutboxSchemaInitializer.class);
			assertThat(context.getBean(TieredStore.class).hasOutbox()).isFalse();
		});
	}

	@Test
	void definesTheOutboxItsRelayAndTheAdviceInsideTransactionsWhenEnabled() {
		this.contextRunner.withPropertyValues(TestDatabase.H2.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(JdbcInvalidationOutbox.class)
					.hasSingleBean(OutboxRelay.class)
					.hasSingleBean(TransactionalInvalidationPostProcessor.class)
					.hasSingleBean(TierCacheOutboxSchemaInitializer.class);
				assertThat(context.getBean(TieredStore.class).hasOutbox()).isTrue();
				assertThat(context.getBean(OutboxRelay.class).isRunning()).isTrue();
				assertThat(context.getBean(JdbcInvalidationOutbox.class).dataSource())
					.isSameAs(context.getBean(DataSource.class));
				// H2 in memory is embedded: the default initialize-schema creates the
				// table
				assertThat(rows(context, "TIERCACHE_OUTBOX")).isZero();
			});
	}

	@Test
	void bindsTheOutboxProperties() {
		this.contextRunner.withPropertyValues(TestDatabase.H2.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=true", "tiercache.outbox.table-name=OTHER_OUTBOX",
					"tiercache.outbox.initialize-schema=always", "tiercache.outbox.platform=h2",
					"tiercache.outbox.relay-delay=5s", "tiercache.outbox.poll-interval=250ms",
					"tiercache.outbox.retention=10m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TierCacheProperties.Outbox outbox = context.getBean(TierCacheProperties.class).getOutbox();
				assertThat(outbox.isEnabled()).isTrue();
				assertThat(outbox.getTableName()).isEqualTo("OTHER_OUTBOX");
				assertThat(outbox.getInitializeSchema()).isEqualTo(TierCacheProperties.Outbox.InitializeSchema.ALWAYS);
				assertThat(outbox.getPlatform()).isEqualTo("h2");
				assertThat(outbox.getRelayDelay()).isEqualTo(Duration.ofSeconds(5));
				assertThat(outbox.getPollInterval()).isEqualTo(Duration.ofMillis(250));
				assertThat(outbox.getRetention()).isEqualTo(Duration.ofMinutes(10));
				assertThat(context.getBean(JdbcInvalidationOutbox.class).tableName()).isEqualTo("OTHER_OUTBOX");
				assertThat(context.getBean(OutboxRelay.class).toString()).contains("OTHER_OUTBOX", "every 250 ms",
						"after 5000 ms");
				assertThat(rows(context, "OTHER_OUTBOX")).isZero();
			});
	}

	@Test
	void theDefaultsOfTheOutboxProperties() {
		TierCacheProperties.Outbox outbox = new TierCacheProperties().getOutbox();
		assertThat(outbox.isEnabled()).isFalse();
		assertThat(outbox.getTableName()).isEqualTo("TIERCACHE_OUTBOX");
		assertThat(outbox.getInitializeSchema()).isEqualTo(TierCacheProperties.Outbox.InitializeSchema.EMBEDDED);
		assertThat(outbox.getPlatform()).isNull();
		assertThat(outbox.getRelayDelay()).isEqualTo(Duration.ofSeconds(2));
		assertThat(outbox.getPollInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(outbox.getRetention()).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void createsTheTableOnPostgresqlWhenAskedToAlways() {
		this.contextRunner.withPropertyValues(TestDatabase.POSTGRESQL.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=true", "tiercache.outbox.initialize-schema=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(rows(context, "TIERCACHE_OUTBOX")).isZero();
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForList(
						"SELECT indexname FROM pg_indexes WHERE tablename = 'tiercache_outbox' ORDER BY indexname",
						String.class))
					.containsExactly("tiercache_outbox_ix1", "tiercache_outbox_pk");
			});
		// Run again, on a database that has the table: the script leaves it as it is
		this.contextRunner.withPropertyValues(TestDatabase.POSTGRESQL.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=true", "tiercache.outbox.initialize-schema=always")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void leavesAServerDatabaseAloneByDefault() {
		this.contextRunner.withPropertyValues(TestDatabase.POSTGRESQL.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'tiercache_outbox'",
						Long.class))
					.isZero();
			});
	}

	@Test
	void createsNothingWhenToldNever() {
		this.contextRunner.withPropertyValues(TestDatabase.H2.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=true", "tiercache.outbox.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'TIERCACHE_OUTBOX'",
						Long.class))
					.isZero();
			});
	}

	@Test
	void failsWithThePropertyNameWhenTheTableNameIsNotAnIdentifier() {
		this.contextRunner.withPropertyValues(TestDatabase.H2.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=true", "tiercache.outbox.table-name=outbox; DROP TABLE x")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("tiercache.outbox.table-name")
					.hasMessageContaining("'outbox; DROP TABLE x'");
			});
	}

	@Test
	void definesNoOutboxWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
					TierCacheAutoConfiguration.class))
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(TieredStore.class);
				assertThat(context).doesNotHaveBean(JdbcInvalidationOutbox.class).doesNotHaveBean(OutboxRelay.class);
			});
	}

	@Test
	void definesNoOutboxWithoutSpringJdbc() {
		this.contextRunner.withPropertyValues("tiercache.outbox.enabled=true")
			.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.withBean(DataSource.class, () -> TestDatabase.H2.dataSource())
			.withBean(TransactionManager.class, () -> new TransactionManager() {
			})
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(TieredStore.class);
				assertThat(context).doesNotHaveBean(JdbcInvalidationOutbox.class).doesNotHaveBean(OutboxRelay.class);
			});
	}

	@Test
	void registersTheOutboxMetersWhenAMeterRegistryExists() {
		this.contextRunner.withPropertyValues(TestDatabase.H2.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=true")
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(OutboxMeters.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("tiercache.outbox.relayed").counter().count()).isZero();
				assertThat(registry.get("tiercache.outbox.backlog").gauge().value()).isZero();
				assertThat(registry.get("tiercache.outbox.oldest.age").timeGauge().value()).isZero();
			});
	}

	private static long rows(AssertableApplicationContext context, String table) {
		return new JdbcTemplate(context.getBean(DataSource.class)).queryForObject("SELECT COUNT(*) FROM " + table,
				Long.class);
	}

}
