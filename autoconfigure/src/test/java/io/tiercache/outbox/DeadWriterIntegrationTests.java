package io.tiercache.outbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A writer that commits and then cannot publish its invalidation, and is gone before it
 * could retry: another instance's relay publishes it, and a third instance's local tier
 * drops the entry, against a real Redis and a real database. The dual-write problem that
 * the outbox answers: without it, the third instance would serve the old price until its
 * TTL.
 */
class DeadWriterIntegrationTests {

	private static final Logger logger = LoggerFactory.getLogger(DeadWriterIntegrationTests.class);

	private static final Duration RELAY_DELAY = Duration.ofSeconds(2);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

	// Its own server: the test changes its users
	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	@RegisterExtension
	static PostgresServerExtension postgres = new PostgresServerExtension();

	private HikariDataSource database;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		redis.command("ACL", "DELUSER", "writer");
		TestDatabase.reset(postgres);
	}

	@AfterEach
	void tearDown() {
		if (this.database != null) {
			this.database.close();
		}
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(TestDatabase.class)
	void aWriterCutOffFromRedisAndStoppedBeforeItsRetryLeavesItsInvalidationToAnotherInstancesRelay(
			TestDatabase database) {
		prepare(database);
		runner(database, false).run((reader) -> {
			Catalog readerCatalog = reader.getBean(Catalog.class);
			OutboxTransactionIntegrationTests.awaitTrusted(reader);
			assertThat(readerCatalog.price(1L)).isEqualTo(100);
			AtomicLong committed = new AtomicLong();
			// A writer of its own Redis user, which Redis then refuses: the writer
			// reaches
			// the database but not Redis, as in a partition, while the others still do
			redis.command("ACL", "SETUSER", "writer", "on", ">writer-secret", "~*", "&*", "+@all");
			runner(database, true)
				.withPropertyValues("spring.data.redis.username=writer", "spring.data.redis.password=writer-secret")
				.run((writer) -> {
					OutboxTransactionIntegrationTests.awaitTrusted(writer);
					redis.command("ACL", "SETUSER", "writer", "off");
					redis.command("CLIENT", "KILL", "USER", "writer");
					Catalog.afterCommit = () -> committed.set(System.nanoTime());
					writer.getBean(Catalog.class).updatePrice(1L, 200);
					assertThat(writer.getBean(TieredStore.class).pendingInvalidations())
						.as("invalidations the writer could not publish")
						.isOne();
				});
			// Closed: a graceful stop drops the in-memory retry
			long writerGone = System.nanoTime();
			assertThat(unpublished()).as("rows left unpublished").isOne();
			assertThat(readerCatalog.price(1L)).as("the reader, before any relay runs").isEqualTo(100);
			runner(database, true).run((relay) -> {
				await().atMost(RELAY_DELAY.plus(Duration.ofSeconds(5))).until(() -> readerCatalog.price(1L) == 200);
				long dropped = System.nanoTime();
				logger.info(
						"Relayed {} ms after the commit, {} ms after the writer stopped (relay delay {}, poll interval {})",
						TimeUnit.NANOSECONDS.toMillis(dropped - committed.get()),
						TimeUnit.NANOSECONDS.toMillis(dropped - writerGone), RELAY_DELAY, POLL_INTERVAL);
				assertThat(readerCatalog.loads()).as("loads of the reader").isEqualTo(2);
				await().atMost(Duration.ofSeconds(5)).until(() -> unpublished() == 0);
				assertThat(relay.getBean(MeterRegistry.class).get("tiercache.outbox.relayed").counter().count())
					.isOne();
			});
		});
	}

	@Test
	void aWriterKilledBetweenItsCommitAndItsPublishLeavesItsInvalidationToAnotherInstancesRelay() throws Exception {
		TestDatabase database = TestDatabase.POSTGRESQL;
		prepare(database);
		// The relay's instance runs all along here, so that what is measured is the relay
		// itself, not the startup of an instance
		runner(database, true).run((relay) -> runner(database, false).run((reader) -> {
			Catalog readerCatalog = reader.getBean(Catalog.class);
			OutboxTransactionIntegrationTests.awaitTrusted(reader);
			assertThat(readerCatalog.price(1L)).isEqualTo(100);
			Process writer = startKilledWriter(database);
			long committed;
			try {
				awaitLine(writer, KilledWriter.COMMITTED, Duration.ofSeconds(60));
				committed = System.nanoTime();
				// SIGKILL: no shutdown hook, no context close, no finally block runs
				writer.destroyForcibly();
				assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
			finally {
				writer.destroyForcibly();
			}
			assertThat(writer.exitValue()).as("exit value of a process killed by SIGKILL").isEqualTo(137);
			assertThat(OutboxTransactionIntegrationTests.price(this.database)).as("the committed price").isEqualTo(200);
			await().atMost(RELAY_DELAY.plus(Duration.ofSeconds(5))).until(() -> readerCatalog.price(1L) == 200);
			long dropped = System.nanoTime();
			logger.info("Relayed {} ms after the commit, by a running instance (relay delay {}, poll interval {})",
					TimeUnit.NANOSECONDS.toMillis(dropped - committed), RELAY_DELAY, POLL_INTERVAL);
			assertThat(dropped - committed).as("nanoseconds from the commit to the reader's new price")
				.isGreaterThanOrEqualTo(RELAY_DELAY.toNanos() - Duration.ofMillis(100).toNanos());
			await().atMost(Duration.ofSeconds(5)).until(() -> unpublished() == 0);
			assertThat(relay.getBean(MeterRegistry.class).get("tiercache.outbox.relayed").counter().count()).isOne();
		}));
	}

	private void prepare(TestDatabase database) {
		this.database = database.dataSource();
		database.createProducts(this.database);
		database.createOutbox(this.database);
		new JdbcTemplate(this.database).update("INSERT INTO PRODUCT (ID, PRICE) VALUES (1, 100)");
	}

	private ApplicationContextRunner runner(TestDatabase database, boolean outbox) {
		return new ApplicationContextRunner().withUserConfiguration(Catalog.Application.class)
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues(database.springProperties())
			.withPropertyValues(outboxProperties(outbox));
	}

	private static String[] outboxProperties(boolean outbox) {
		return new String[] { "tiercache.outbox.enabled=" + outbox, "tiercache.outbox.initialize-schema=never",
				"tiercache.outbox.relay-delay=" + RELAY_DELAY.toMillis() + "ms",
				"tiercache.outbox.poll-interval=" + POLL_INTERVAL.toMillis() + "ms" };
	}

	private long unpublished() {
		return new JdbcTemplate(this.database)
			.queryForObject("SELECT COUNT(*) FROM TIERCACHE_OUTBOX WHERE PUBLISHED_AT IS NULL", Long.class);
	}

	private static Process startKilledWriter(TestDatabase database) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(KilledWriter.class.getName());
		command.addAll(List.of(redis.springProperties()));
		command.addAll(List.of(database.springProperties()));
		command.addAll(List.of(outboxProperties(true)));
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

	/** Read the process's output until the line, keeping on reading it afterwards. */
	private static void awaitLine(Process process, String line, Duration timeout) throws Exception {
		CompletableFuture<Void> seen = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader output = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String next;
				while ((next = output.readLine()) != null) {
					if (next.contains(line)) {
						seen.complete(null);
					}
				}
			}
			catch (IOException ex) {
				seen.completeExceptionally(new UncheckedIOException(ex));
			}
			seen.completeExceptionally(new IllegalStateException("The writer exited without committing"));
		}, "killed-writer-output");
		reader.setDaemon(true);
		reader.start();
		seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

}
