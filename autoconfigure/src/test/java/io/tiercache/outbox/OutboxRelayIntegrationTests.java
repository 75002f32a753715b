package io.tiercache.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import io.tiercache.outbox.OutboxTable.Claim;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link OutboxRelay}, against a real Redis and real databases (H2, and a real
 * PostgreSQL server), with either way of claiming rows.
 */
class OutboxRelayIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	@RegisterExtension
	static PostgresServerExtension postgres = new PostgresServerExtension();

	private static final Duration RELAY_DELAY = Duration.ofSeconds(2);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private LettuceConnectionFactory connectionFactory;

	private TieredStore store;

	@BeforeEach
	void setUp() {
		TestDatabase.reset(postgres);
		redis.flushAll();
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.store = TieredStore.builder(this.connectionFactory).build();
		// The sequence starts with the first invalidation: from here on it counts them
		this.store.invalidate(List.of("warm-up"));
	}

	@AfterEach
	void tearDown() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.store.close();
		this.connectionFactory.destroy();
	}

	static Stream<Arguments> databasesAndClaims() {
		return Stream.of(Arguments.of(TestDatabase.H2, Claim.SKIP_LOCKED), Arguments.of(TestDatabase.H2, Claim.LEASE),
				Arguments.of(TestDatabase.POSTGRESQL, Claim.SKIP_LOCKED),
				Arguments.of(TestDatabase.POSTGRESQL, Claim.LEASE));
	}

	@ParameterizedTest(name = "{0}, {1}")
	@MethodSource("databasesAndClaims")
	void twoRelaysRunningAtOnceNeverPublishOneRowTwice(TestDatabase database, Claim claim) throws Exception {
		int rows = 400;
		HikariDataSource first = dataSource(database);
		HikariDataSource second = dataSource(database);
		database.createOutbox(first);
		JdbcInvalidationOutbox firstOutbox = new JdbcInvalidationOutbox(first, "TIERCACHE_OUTBOX",
				System::currentTimeMillis);
		JdbcInvalidationOutbox secondOutbox = new JdbcInvalidationOutbox(second, "TIERCACHE_OUTBOX",
				System::currentTimeMillis);
		long written = System.currentTimeMillis() - RELAY_DELAY.toMillis() - 1000;
		for (int i = 0; i < rows; i++) {
			firstOutbox.table().insert("row-" + i, List.of("row:" + i), written);
		}
		Map<String, List<Boolean>> attempts = new ConcurrentHashMap<>();
		AtomicInteger byFirst = new AtomicInteger();
		AtomicInteger bySecond = new AtomicInteger();
		OutboxRelay firstRelay = relay(firstOutbox, recording(attempts, byFirst), claim, 5);
		OutboxRelay secondRelay = relay(secondOutbox, recording(attempts, bySecond), claim, 5);
		long sequenceBefore = redisSequence();
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			CompletableFuture<Void> one = CompletableFuture.runAsync(() -> drain(firstRelay, firstOutbox), threads);
			CompletableFuture<Void> other = CompletableFuture.runAsync(() -> drain(secondRelay, secondOutbox), threads);
			CompletableFuture.allOf(one, other).get(120, TimeUnit.SECONDS);
		}
		finally {
			threads.shutdownNow();
		}
		// A row is attempted again only after an attempt that failed, such as a call that
		// timed out on this loaded machine (Redis may still have run it: at least once)
		assertThat(attempts).hasSize(rows);
		assertThat(attempts.values()).as("attempts at each row, in order")
			.allSatisfy((row) -> assertThat(row).containsOnlyOnce(true).endsWith(true));
		int failedAttempts = attempts.values().stream().mapToInt((row) -> row.size() - 1).sum();
		assertThat(redisSequence() - sequenceBefore).as("invalidations Redis received")
			.isBetween((long) rows, (long) rows + failedAttempts);
		assertThat(byFirst.get() + bySecond.get()).isEqualTo(rows);
		assertThat(byFirst).as("rows the first relay published").hasPositiveValue();
		assertThat(bySecond).as("rows the second relay published").hasPositiveValue();
		assertThat(unpublished(first)).isZero();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(TestDatabase.class)
	void aRowIsRelayedOnceItIsOlderThanTheRelayDelayAndThenMarkedPublished(TestDatabase database) {
		HikariDataSource dataSource = dataSource(database);
		database.createOutbox(dataSource);
		JdbcInvalidationOutbox outbox = new JdbcInvalidationOutbox(dataSource, "TIERCACHE_OUTBOX", this.clock::get);
		outbox.table().insert("row", List.of("product:1"), this.clock.get());
		RecordingObserver observer = new RecordingObserver();
		OutboxRelay relay = new OutboxRelay(outbox, this.store::relay, Duration.ofHours(1), RELAY_DELAY,
				Duration.ofSeconds(1), Duration.ofHours(1), observer, null, 100);
		long sequenceBefore = redisSequence();
		this.clock.addAndGet(RELAY_DELAY.toMillis() - 1);
		assertThat(relay.poll()).as("relayed within the relay delay").isZero();
		assertThat(observer.backlog).containsExactly(1L);
		this.clock.addAndGet(1);
		assertThat(relay.poll()).as("relayed at the relay delay").isOne();
		assertThat(redisSequence() - sequenceBefore).isOne();
		assertThat(observer.relayed).containsExactly(1);
		assertThat(observer.backlog).containsExactly(1L, 0L);
		assertThat(new JdbcTemplate(dataSource)
			.queryForObject("SELECT PUBLISHED_AT FROM TIERCACHE_OUTBOX WHERE ID = 'row'", Long.class))
			.isEqualTo(this.clock.get());
		assertThat(relay.poll()).as("relayed again").isZero();
		assertThat(redisSequence() - sequenceBefore).isOne();
	}

	@ParameterizedTest(name = "{0}, {1}")
	@MethodSource("databasesAndClaims")
	void aRelayThatDiesInItsRoundDelaysItsRowsByOneRelayDelayOnly(TestDatabase database, Claim claim) throws Exception {
		HikariDataSource dataSource = dataSource(database);
		database.createOutbox(dataSource);
		JdbcInvalidationOutbox outbox = new JdbcInvalidationOutbox(dataSource, "TIERCACHE_OUTBOX", this.clock::get);
		outbox.table().insert("row", List.of("product:1"), this.clock.get() - RELAY_DELAY.toMillis());
		// A relay whose process dies in the middle of a round, its connection still open
		// (a host gone): it claimed the row, and never publishes it nor lets it go.
		CountDownLatch publishing = new CountDownLatch(1);
		CountDownLatch never = new CountDownLatch(1);
		OutboxRelay dying = relay(outbox, (tags) -> {
			publishing.countDown();
			awaitUninterruptibly(never);
			return false;
		}, claim, 100);
		ExecutorService thread = Executors.newSingleThreadExecutor();
		try {
			thread.submit(dying::poll);
			assertThat(publishing.await(10, TimeUnit.SECONDS)).isTrue();
			OutboxRelay other = relay(outbox, this.store::relay, claim, 100);
			long sequenceBefore = redisSequence();
			this.clock.addAndGet(RELAY_DELAY.toMillis() - 1);
			assertThat(other.poll()).as("while the dead relay's lease holds").isZero();
			this.clock.addAndGet(2);
			assertThat(other.poll()).as("once the lease, one relay delay, has run out").isOne();
			assertThat(redisSequence() - sequenceBefore).isOne();
		}
		finally {
			never.countDown();
			thread.shutdownNow();
		}
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(TestDatabase.class)
	void aRowThatCannotReachRedisStaysForALaterRound(TestDatabase database) {
		HikariDataSource dataSource = dataSource(database);
		database.createOutbox(dataSource);
		JdbcInvalidationOutbox outbox = new JdbcInvalidationOutbox(dataSource, "TIERCACHE_OUTBOX", this.clock::get);
		outbox.table().insert("row", List.of("product:1"), this.clock.get() - RELAY_DELAY.toMillis());
		for (Claim claim : Claim.values()) {
			OutboxRelay relay = relay(outbox, this.store::relay, claim, 100);
			redis.stop();
			assertThat(relay.poll()).as("relayed without Redis (%s)", claim).isZero();
			assertThat(unpublished(dataSource)).isOne();
			assertThat(new JdbcTemplate(dataSource)
				.queryForObject("SELECT CLAIMED_UNTIL FROM TIERCACHE_OUTBOX WHERE ID = 'row'", Long.class))
				.as("lease left behind")
				.isNull();
			redis.start();
		}
		// The store's breaker lets a call through again after its open duration
		OutboxRelay relay = relay(outbox, this.store::relay, Claim.SKIP_LOCKED, 100);
		await().atMost(Duration.ofSeconds(10)).until(() -> relay.poll() == 1);
		assertThat(unpublished(dataSource)).isZero();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(TestDatabase.class)
	void publishedRowsAreDeletedAfterTheRetentionAndUnpublishedOnesAfterTheMaxTtl(TestDatabase database) {
		HikariDataSource dataSource = dataSource(database);
		database.createOutbox(dataSource);
		JdbcInvalidationOutbox outbox = new JdbcInvalidationOutbox(dataSource, "TIERCACHE_OUTBOX", this.clock::get);
		long now = this.clock.get();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		outbox.table().insert("published-long-ago", List.of("a"), now - 7_200_000);
		jdbc.update("UPDATE TIERCACHE_OUTBOX SET PUBLISHED_AT = ? WHERE ID = 'published-long-ago'", now - 3_600_001);
		outbox.table().insert("published-recently", List.of("b"), now - 7_200_000);
		jdbc.update("UPDATE TIERCACHE_OUTBOX SET PUBLISHED_AT = ? WHERE ID = 'published-recently'", now - 60_000);
		outbox.table().insert("older-than-max-ttl", List.of("c"), now - 86_400_001);
		outbox.table().insert("fresh", List.of("d"), now);
		OutboxRelay relay = new OutboxRelay(outbox, (tags) -> false, Duration.ofDays(1), RELAY_DELAY,
				Duration.ofSeconds(1), Duration.ofHours(1), OutboxRelay.Observer.NONE, null, 100);
		relay.poll();
		assertThat(jdbc.queryForList("SELECT ID FROM TIERCACHE_OUTBOX ORDER BY ID", String.class))
			.containsExactly("fresh", "published-recently");
	}

	private HikariDataSource dataSource(TestDatabase database) {
		HikariDataSource dataSource = database.dataSource();
		this.closeables.add(dataSource);
		return dataSource;
	}

	private OutboxRelay relay(JdbcInvalidationOutbox outbox, Predicate<List<String>> publisher, Claim claim,
			int batchSize) {
		return new OutboxRelay(outbox, publisher, Duration.ofHours(1), RELAY_DELAY, Duration.ofSeconds(1),
				Duration.ofHours(1), OutboxRelay.Observer.NONE, claim, batchSize);
	}

	private Predicate<List<String>> recording(Map<String, List<Boolean>> attempts, AtomicInteger byThisRelay) {
		return (tags) -> {
			boolean published = this.store.relay(tags);
			attempts.computeIfAbsent(tags.get(0), (tag) -> new CopyOnWriteArrayList<>()).add(published);
			if (published) {
				byThisRelay.incrementAndGet();
			}
			return published;
		};
	}

	/** Poll until no row is left to publish. */
	private static void drain(OutboxRelay relay, JdbcInvalidationOutbox outbox) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
		while (outbox.table().backlog().rows() > 0 && System.nanoTime() < deadline) {
			relay.poll();
		}
	}

	private static long unpublished(HikariDataSource dataSource) {
		return new JdbcTemplate(dataSource)
			.queryForObject("SELECT COUNT(*) FROM TIERCACHE_OUTBOX WHERE PUBLISHED_AT IS NULL", Long.class);
	}

	private static long redisSequence() {
		return Long.parseLong((String) redis.command("HGET", "{tc:v1}:seq", "n"));
	}

	static final class RecordingObserver implements OutboxRelay.Observer {

		final List<Integer> relayed = new CopyOnWriteArrayList<>();

		final List<Long> backlog = new CopyOnWriteArrayList<>();

		@Override
		public void relayed(int rows) {
			this.relayed.add(rows);
		}

		@Override
		public void backlog(long rows, Duration oldestAge) {
			this.backlog.add(rows);
		}

	}

}
