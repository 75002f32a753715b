package io.tiercache.outbox;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.cache.TierCacheOperations;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The outbox in the business transaction, end to end: applications over one real Redis
 * and one real database (H2, and a real PostgreSQL server), with the auto-configuration.
 */
class OutboxTransactionIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	@RegisterExtension
	static PostgresServerExtension postgres = new PostgresServerExtension();

	private HikariDataSource database;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		TestDatabase.reset(postgres);
	}

	@AfterEach
	void tearDown() {
		Catalog.beforeCommit = null;
		Catalog.afterCommit = null;
		if (this.database != null) {
			this.database.close();
		}
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(TestDatabase.class)
	void theRowIsWrittenInTheBusinessTransactionBeforeItCommits(TestDatabase database) {
		runner(database, true).run((writer) -> {
			AtomicLong insideTheTransaction = new AtomicLong(-1);
			AtomicLong seenFromOutside = new AtomicLong(-1);
			Catalog.beforeCommit = () -> {
				// The application's DataSource joins the transaction; this test's does
				// not
				insideTheTransaction.set(rows(new JdbcTemplate(writer.getBean(DataSource.class))));
				seenFromOutside.set(rows(new JdbcTemplate(this.database)));
			};
			writer.getBean(Catalog.class).updatePrice(1L, 200);
			assertThat(insideTheTransaction).as("rows in the transaction, before its commit").hasValue(1);
			assertThat(seenFromOutside).as("rows seen outside it, before its commit").hasValue(0);
			assertThat(rows(new JdbcTemplate(this.database))).as("rows after the commit").isOne();
		});
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(TestDatabase.class)
	void aTransactionThatRollsBackLeavesNoRowAndInvalidatesNothing(TestDatabase database) {
		runner(database, true).run((writer) -> runner(database, false).run((reader) -> {
			Catalog readerCatalog = reader.getBean(Catalog.class);
			awaitTrusted(reader);
			assertThat(readerCatalog.price(1L)).isEqualTo(100);
			long sequence = redisSequence();
			assertThatIllegalStateException()
				.isThrownBy(() -> writer.getBean(Catalog.class).updatePriceAndFail(1L, 300));
			assertThat(rows(new JdbcTemplate(this.database))).isZero();
			assertThat(price(this.database)).isEqualTo(100);
			assertThat(redisSequence()).as("invalidations since").isEqualTo(sequence);
			assertThat(readerCatalog.price(1L)).isEqualTo(100);
			assertThat(readerCatalog.loads()).as("loads of the reader").isOne();
		}));
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(TestDatabase.class)
	void afterTheCommitTheWriterPublishesAndMarksTheRowPublished(TestDatabase database) {
		runner(database, true).run((writer) -> runner(database, false).run((reader) -> {
			awaitTrusted(reader);
			Catalog readerCatalog = reader.getBean(Catalog.class);
			assertThat(readerCatalog.price(1L)).isEqualTo(100);
			assertThat(readerCatalog.price(1L)).isEqualTo(100);
			assertThat(readerCatalog.loads()).as("loads of the reader").isOne();
			writer.getBean(Catalog.class).updatePrice(1L, 200);
			assertThat(writer.getBean(Catalog.class).price(1L)).as("the writer reads its write").isEqualTo(200);
			await().atMost(Duration.ofSeconds(5)).until(() -> readerCatalog.price(1L) == 200);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> new JdbcTemplate(this.database)
					.queryForObject("SELECT COUNT(*) FROM TIERCACHE_OUTBOX WHERE PUBLISHED_AT IS NOT NULL", Long.class),
						(published) -> published == 1);
			assertThat(writer.getBean(MeterRegistry.class).get("tiercache.outbox.relayed").counter().count())
				.as("rows the writer's relay published")
				.isZero();
		}));
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(TestDatabase.class)
	void theProgrammaticInvalidationInsideATransactionIsWrittenInItAndPublishedAfterTheCommit(TestDatabase database) {
		runner(database, true).run((writer) -> runner(database, false).run((reader) -> {
			awaitTrusted(reader);
			Catalog readerCatalog = reader.getBean(Catalog.class);
			assertThat(readerCatalog.price(1L)).isEqualTo(100);
			TierCacheOperations operations = writer.getBean(TierCacheOperations.class);
			JdbcTemplate jdbc = new JdbcTemplate(writer.getBean(DataSource.class));
			TransactionTemplate transaction = new TransactionTemplate(writer.getBean(PlatformTransactionManager.class));
			long sequence = redisSequence();
			transaction.executeWithoutResult((status) -> {
				jdbc.update("UPDATE PRODUCT SET PRICE = 150 WHERE ID = 1");
				operations.invalidate("product:1");
				status.setRollbackOnly();
			});
			assertThat(rows(new JdbcTemplate(this.database))).as("rows after a rollback").isZero();
			assertThat(redisSequence()).as("invalidations after a rollback").isEqualTo(sequence);
			transaction.executeWithoutResult((status) -> {
				jdbc.update("UPDATE PRODUCT SET PRICE = 250 WHERE ID = 1");
				operations.invalidate("product:1");
				assertThat(rows(jdbc)).as("rows in the transaction").isOne();
				assertThat(redisSequence()).as("invalidations before the commit").isEqualTo(sequence);
			});
			assertThat(redisSequence()).as("invalidations after the commit").isEqualTo(sequence + 1);
			await().atMost(Duration.ofSeconds(5)).until(() -> readerCatalog.price(1L) == 250);
		}));
	}

	private ApplicationContextRunner runner(TestDatabase database, boolean outbox) {
		if (this.database == null) {
			this.database = database.dataSource();
			database.createProducts(this.database);
			new JdbcTemplate(this.database).update("INSERT INTO PRODUCT (ID, PRICE) VALUES (1, 100)");
		}
		return new ApplicationContextRunner().withUserConfiguration(Catalog.Application.class)
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues(database.springProperties())
			.withPropertyValues("tiercache.outbox.enabled=" + outbox, "tiercache.outbox.initialize-schema=always",
					"tiercache.outbox.relay-delay=2s", "tiercache.outbox.poll-interval=200ms");
	}

	static void awaitTrusted(AssertableApplicationContext context) {
		TieredStore store = context.getBean(TieredStore.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> store.trust().trusted());
	}

	static long rows(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT COUNT(*) FROM TIERCACHE_OUTBOX", Long.class);
	}

	static long price(DataSource dataSource) {
		return new JdbcTemplate(dataSource).queryForObject("SELECT PRICE FROM PRODUCT WHERE ID = 1", Long.class);
	}

	static long redisSequence() {
		Object n = redis.command("HGET", "{tc:v1}:seq", "n");
		return (n != null) ? Long.parseLong((String) n) : 0;
	}

}
