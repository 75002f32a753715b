package io.tiercache.sample;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.tiercache.store.TagState;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.relational.core.mapping.event.AfterConvertEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The sample's Spring Data JDBC repository, cached by tiercache, against its real H2
 * database, a real Redis and the application's real transaction manager.
 * <p>
 * Database reads are counted where they happen: the {@link DataSource} is wrapped so that
 * every {@code SELECT} prepared against the product table is counted
 * ({@link ProductReads}). Locked reads ({@code FOR UPDATE}, from
 * {@code CatalogService.updatePrice}) are not counted: they are never cached. Races are
 * made deterministic by pausing a reader inside Spring Data JDBC's
 * {@link AfterConvertEvent}, which is published once the row has been read
 * ({@link ReadPauses}).
 * <p>
 * The tests of one process use the Redis the sample starts for itself (stopped with the
 * context) and a database of their own; the two-process test builds two applications over
 * one {@link RedisServerExtension} server and one shared in-memory database.
 */
@SpringBootTest(properties = "spring.datasource.url=jdbc:h2:mem:tiercache-repository-caching;DB_CLOSE_DELAY=-1")
@Import(ProductRepositoryCachingIntegrationTests.Instrumentation.class)
@DirtiesContext
class ProductRepositoryCachingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	// The namespace is the application's name, spring.application.name
	private static final String ENTRY_PREFIX = "{tc:tiercache-sample}:e:";

	private static final String TAG_PREFIX = "{tc:tiercache-sample}:t:";

	private static final String SEQ = "{tc:tiercache-sample}:seq";

	@RegisterExtension
	static final RedisServerExtension sharedRedis = new RedisServerExtension();

	@Autowired
	private ProductRepository repository;

	@Autowired
	private CatalogService catalog;

	@Autowired
	private TieredStore store;

	@Autowired
	private ProductReads reads;

	@Autowired
	private ReadPauses pauses;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Autowired
	private JdbcTemplate jdbc;

	private ExecutorService executor;

	@BeforeEach
	void startFromEmptyCaches() {
		this.redis.execute((RedisCallback<Void>) (connection) -> {
			connection.serverCommands().flushAll();
			return null;
		});
		this.store.clearLocal();
		this.reads.reset();
		this.executor = Executors.newCachedThreadPool();
	}

	@AfterEach
	void releaseReaders() throws InterruptedException {
		this.pauses.releaseAll();
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	// 1. Hits in the local tier, then in Redis

	@Test
	void findByIdIsServedFromTheLocalTierThenFromRedis() {
		Product first = this.repository.findById(1L).orElseThrow();
		Product second = this.repository.findById(1L).orElseThrow();
		assertThat(second).isEqualTo(first);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(1);
		assertThat(this.redis.hasKey(entryKey("products", 1))).isTrue();

		this.store.clearLocal();
		assertThat(this.repository.findById(1L)).contains(first);
		assertThat(this.reads.count()).as("served from Redis: " + this.reads.describe()).isEqualTo(1);

		// The Redis hit filled the local tier: without the Redis entry, still no query.
		this.redis.delete(entryKey("products", 1));
		assertThat(this.repository.findById(1L)).contains(first);
		assertThat(this.reads.count()).as("served from the local tier: " + this.reads.describe()).isEqualTo(1);
	}

	@Test
	void findByCategoryIsServedFromTheLocalTierThenFromRedis() {
		List<Product> first = this.repository.findByCategory("coffee");
		assertThat(first).hasSize(4).allSatisfy((product) -> assertThat(product.category()).isEqualTo("coffee"));
		assertThat(this.repository.findByCategory("coffee")).isEqualTo(first);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(1);
		assertThat(this.redis.hasKey(entryKey("products-by-category", "coffee"))).isTrue();

		this.store.clearLocal();
		assertThat(this.repository.findByCategory("coffee")).isEqualTo(first);
		assertThat(this.reads.count()).as("served from Redis: " + this.reads.describe()).isEqualTo(1);

		this.redis.delete(entryKey("products-by-category", "coffee"));
		assertThat(this.repository.findByCategory("coffee")).isEqualTo(first);
		assertThat(this.reads.count()).as("served from the local tier: " + this.reads.describe()).isEqualTo(1);
	}

	// 2. A save invalidates by tag, including tags taken from a list's result

	@Test
	void updatePriceInvalidatesTheProductAndTheListsContainingIt() {
		Product before = this.repository.findById(5L).orElseThrow();
		assertThat(this.repository.findByCategory("tools")).contains(before);
		assertThat(this.reads.count()).isEqualTo(2);
		BigDecimal newPrice = before.price().add(new BigDecimal("1.50"));

		Product updated = this.catalog.updatePrice(5L, newPrice);
		assertThat(updated.version()).isEqualTo(before.version() + 1);
		assertThat(this.reads.count()).as("a locked read is not a cached read").isEqualTo(2);

		Product after = this.repository.findById(5L).orElseThrow();
		assertThat(after.price()).isEqualByComparingTo(newPrice);
		assertThat(after.version()).isEqualTo(updated.version());
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(3);
		assertThat(this.repository.findByCategory("tools")).filteredOn((product) -> product.id() == 5L)
			.singleElement()
			.satisfies((product) -> assertThat(product.price()).isEqualByComparingTo(newPrice));
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(4);

		// Both are cached again, with the new price.
		assertThat(this.repository.findById(5L)).contains(after);
		assertThat(this.repository.findByCategory("tools")).contains(after);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(4);
	}

	@Test
	void aListIsInvalidatedThroughTheProductTagsOfItsResult() {
		this.jdbc.update("MERGE INTO category (id, name) KEY (id) VALUES ('garden', 'Garden'), ('patio', 'Patio')");
		Product rake = this.repository.save(new Product(null, "Rake", "garden", new BigDecimal("21.00"), 5, 0));
		Product hose = this.repository.save(new Product(null, "Hose, 25 m", "garden", new BigDecimal("34.00"), 5, 0));
		assertThat(this.repository.findByCategory("garden")).containsExactlyInAnyOrder(rake, hose);
		assertThat(this.repository.findByCategory("patio")).isEmpty();
		assertThat(this.repository.findByCategory("garden")).containsExactlyInAnyOrder(rake, hose);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(2);
		String gardenTag = this.redis.opsForValue().get(TAG_PREFIX + "category:garden");
		assertThat(gardenTag).isNotNull();

		// The save invalidates 'product:<rake>' and 'category:patio' (its new category),
		// not 'category:garden': only the list's result tags can tell the garden list.
		Product moved = this.repository
			.save(new Product(rake.id(), rake.name(), "patio", rake.price(), rake.stock(), rake.version() + 1));
		assertThat(this.redis.opsForValue().get(TAG_PREFIX + "category:garden")).isEqualTo(gardenTag);

		assertThat(this.repository.findByCategory("garden")).containsExactly(hose);
		assertThat(this.repository.findByCategory("patio")).containsExactly(moved);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(4);
	}

	@Test
	void aStockChangeInvalidatesTheProductsInStockOnlyWhenTheProductSellsOutOrComesBack() {
		Product hammer = this.repository.findById(5L).orElseThrow();
		assertThat(this.repository.findInStock("tools")).contains(hammer);
		String inStockTag = this.redis.opsForValue().get(TAG_PREFIX + "in-stock:tools");
		assertThat(inStockTag).isNotNull();

		this.catalog.updateStock(5L, hammer.stock() + 3);
		assertThat(this.redis.opsForValue().get(TAG_PREFIX + "in-stock:tools")).as("still in stock")
			.isEqualTo(inStockTag);
		assertThat(this.repository.findInStock("tools")).filteredOn((product) -> product.id() == 5L)
			.singleElement()
			.satisfies((product) -> assertThat(product.stock()).isEqualTo(hammer.stock() + 3));

		this.catalog.updateStock(5L, 0);
		assertThat(this.redis.opsForValue().get(TAG_PREFIX + "in-stock:tools")).as("sold out").isNotEqualTo(inStockTag);
		assertThat(this.repository.findInStock("tools")).isNotEmpty().noneMatch((product) -> product.id() == 5L);
		this.catalog.updateStock(5L, 2);
		assertThat(this.repository.findInStock("tools")).anyMatch((product) -> product.id() == 5L);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(5);
	}

	// 3. A load that raced a committed update is returned but never stored

	@Test
	void aLoadOfTheOldRowThatRacesACommittedUpdateIsNeverCached() throws Exception {
		Product old = this.jdbcProduct(9L);
		BigDecimal newPrice = old.price().add(new BigDecimal("2.00"));
		ReadPause pause = this.pauses.create(9L);
		Future<Optional<Product>> reader = this.executor.submit(() -> pause.during(() -> this.repository.findById(9L)));
		assertThat(pause.awaitRowRead().price()).as("the reader read the old row").isEqualByComparingTo(old.price());

		this.catalog.updatePrice(9L, newPrice);
		pause.release();

		assertThat(reader.get(10, TimeUnit.SECONDS).orElseThrow().price()).as("the racing reader gets its old row")
			.isEqualByComparingTo(old.price());
		assertThat(this.redis.hasKey(entryKey("products", 9))).as("the racing load was not stored in Redis").isFalse();
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(1);

		assertThat(this.repository.findById(9L).orElseThrow().price()).isEqualByComparingTo(newPrice);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(2);
		assertThat(this.repository.findById(9L).orElseThrow().price()).isEqualByComparingTo(newPrice);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(2);
	}

	// 4. With the real transaction manager

	@Test
	void theInvalidationWaitsForTheCommit() throws Exception {
		Product old = this.repository.findById(2L).orElseThrow();
		assertThat(this.reads.count()).isEqualTo(1);
		String seqBefore = seq();
		String tagBefore = this.redis.opsForValue().get(TAG_PREFIX + "product:2");
		assertThat(tagBefore).isNotNull();
		BigDecimal newPrice = old.price().add(new BigDecimal("3.00"));

		transaction().executeWithoutResult((status) -> {
			Product current = this.repository.findForUpdateById(2L).orElseThrow();
			this.repository.save(current.withPrice(newPrice));

			Product seenElsewhere = onAnotherThread(() -> this.repository.findById(2L).orElseThrow());
			assertThat(seenElsewhere).isEqualTo(old);
			assertThat(this.reads.count()).as("still cached: " + this.reads.describe()).isEqualTo(1);
			assertThat(this.redis.hasKey(entryKey("products", 2))).isTrue();
			assertThat(seq()).as("nothing invalidated yet").isEqualTo(seqBefore);
			assertThat(this.redis.opsForValue().get(TAG_PREFIX + "product:2")).isEqualTo(tagBefore);
		});

		assertThat(Long.parseLong(seq())).isGreaterThan(Long.parseLong(seqBefore));
		assertThat(Long.parseLong(this.redis.opsForValue().get(TAG_PREFIX + "product:2")))
			.isGreaterThan(Long.parseLong(tagBefore));
		Product after = this.repository.findById(2L).orElseThrow();
		assertThat(after.price()).isEqualByComparingTo(newPrice);
		assertThat(after.version()).isEqualTo(old.version() + 1);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(2);
	}

	@Test
	void aRollbackInvalidatesNothing() {
		Product old = this.repository.findById(3L).orElseThrow();
		assertThat(this.reads.count()).isEqualTo(1);
		String seqBefore = seq();
		String tagBefore = this.redis.opsForValue().get(TAG_PREFIX + "product:3");

		assertThatIllegalStateException().isThrownBy(() -> transaction().executeWithoutResult((status) -> {
			Product current = this.repository.findForUpdateById(3L).orElseThrow();
			this.repository.save(current.withPrice(current.price().add(BigDecimal.TEN)));
			throw new IllegalStateException("roll back");
		}));

		assertThat(this.repository.findById(3L)).contains(old);
		assertThat(this.reads.count()).as("no re-read after a rollback: " + this.reads.describe()).isEqualTo(1);
		assertThat(seq()).isEqualTo(seqBefore);
		assertThat(this.redis.opsForValue().get(TAG_PREFIX + "product:3")).isEqualTo(tagBefore);
		assertThat(jdbcProduct(3L)).as("rolled back").isEqualTo(old);
	}

	@Test
	void aReadBetweenTheWriteAndTheCommitIsNotCachedBeyondThatRead() throws Exception {
		Product old = jdbcProduct(4L);
		BigDecimal newPrice = old.price().add(new BigDecimal("4.00"));

		transaction().executeWithoutResult((status) -> {
			Product current = this.repository.findForUpdateById(4L).orElseThrow();
			this.repository.save(current.withPrice(newPrice));
			// Another transaction still reads the committed row, and caches it.
			Product seenElsewhere = onAnotherThread(() -> this.repository.findById(4L).orElseThrow());
			assertThat(seenElsewhere).isEqualTo(old);
			assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(1);
			assertThat(this.redis.hasKey(entryKey("products", 4))).isTrue();
		});

		Product after = this.repository.findById(4L).orElseThrow();
		assertThat(after.price()).isEqualByComparingTo(newPrice);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(2);
		assertThat(onAnotherThread(() -> this.repository.findById(4L).orElseThrow())).isEqualTo(after);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(2);
	}

	@Test
	void aReadThatStraddlesTheCommitIsNotCached() throws Exception {
		Product old = jdbcProduct(6L);
		BigDecimal newPrice = old.price().add(new BigDecimal("5.00"));
		ReadPause pause = this.pauses.create(6L);

		Future<Optional<Product>> reader = transaction().execute((status) -> {
			Product current = this.repository.findForUpdateById(6L).orElseThrow();
			this.repository.save(current.withPrice(newPrice));
			Future<Optional<Product>> read = this.executor
				.submit(() -> pause.during(() -> this.repository.findById(6L)));
			assertThat(pause.awaitRowRead().price()).as("the reader read the committed row")
				.isEqualByComparingTo(old.price());
			return read;
		});
		// Committed and invalidated: only now does the reader try to store what it read.
		pause.release();

		assertThat(reader.get(10, TimeUnit.SECONDS).orElseThrow().price()).isEqualByComparingTo(old.price());
		assertThat(this.redis.hasKey(entryKey("products", 6))).as("the straddling load was not stored").isFalse();
		assertThat(this.repository.findById(6L).orElseThrow().price()).isEqualByComparingTo(newPrice);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(2);
		assertThat(this.repository.findById(6L).orElseThrow().price()).isEqualByComparingTo(newPrice);
		assertThat(this.reads.count()).as(this.reads.describe()).isEqualTo(2);
	}

	// 5. Two instances sharing one Redis and one database

	@Test
	void anUpdateOnOneInstanceReachesTheLocalTierOfTheOther() {
		String database = "jdbc:h2:mem:tiercache-two-instances-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		try (ConfigurableApplicationContext a = startInstance(database);
				ConfigurableApplicationContext b = startInstance(database)) {
			ProductRepository repositoryA = a.getBean(ProductRepository.class);
			ProductRepository repositoryB = b.getBean(ProductRepository.class);
			ProductReads readsA = a.getBean(ProductReads.class);
			ProductReads readsB = b.getBean(ProductReads.class);

			Product old = repositoryB.findById(3L).orElseThrow();
			assertThat(readsB.count()).isEqualTo(1);
			assertThat(repositoryA.findById(3L)).as("A is served B's entry from the shared Redis").contains(old);
			assertThat(readsA.count()).as(readsA.describe()).isZero();
			assertThat(repositoryB.findById(3L)).contains(old);
			assertThat(readsB.count()).as("B serves its local tier: " + readsB.describe()).isEqualTo(1);

			BigDecimal newPrice = old.price().add(new BigDecimal("7.00"));
			a.getBean(CatalogService.class).updatePrice(3L, newPrice);
			long invalidation = Long.parseLong((String) sharedRedis.command("HGET", SEQ, "n"));

			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(repositoryB.findById(3L).orElseThrow().price())
					.isEqualByComparingTo(newPrice));
			assertThat(readsB.count()).as("B re-read the shared database: " + readsB.describe()).isEqualTo(2);
			// B never invalidated anything itself: the invalidation reached it on the
			// channel.
			assertThat(b.getBean(TieredStore.class).trust().tags().snapshot())
				.filteredOn((tag) -> tag.name().equals("product:3"))
				.singleElement()
				.extracting(TagState::invalidatedSeq)
				.isEqualTo(invalidation);
		}
	}

	private static ConfigurableApplicationContext startInstance(String database) {
		List<String> args = new ArrayList<>(
				List.of("--server.port=0", "--spring.datasource.url=" + database, "--spring.main.banner-mode=off"));
		Stream.of(sharedRedis.springProperties()).map((property) -> "--" + property).forEach(args::add);
		return new SpringApplicationBuilder(SampleApplication.class, Instrumentation.class)
			.run(args.toArray(String[]::new));
	}

	private TransactionTemplate transaction() {
		return new TransactionTemplate(this.transactionManager);
	}

	private <T> T onAnotherThread(Supplier<T> action) {
		try {
			return this.executor.submit(action::get).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("The other thread failed", ex);
		}
	}

	/**
	 * The row as committed, read straight from the database (this read is not counted).
	 */
	private Product jdbcProduct(long id) {
		return this.reads.uncounted(() -> this.jdbc.queryForObject(
				"select id, name, category, price, stock, version from product where id = ?",
				(rs, row) -> new Product(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4),
						rs.getInt(5), rs.getLong(6)),
				id));
	}

	private String seq() {
		Object n = this.redis.opsForHash().get(SEQ, "n");
		return (n != null) ? n.toString() : null;
	}

	private static String entryKey(String cache, Object key) {
		return ENTRY_PREFIX + cache + ":" + key;
	}

	/**
	 * The test's instruments, imported by the test context and added to each of the
	 * two-instance applications. Not a {@code @Configuration}, so nothing scans it.
	 */
	static class Instrumentation {

		@Bean
		static ProductReads productReads() {
			return new ProductReads();
		}

		@Bean
		ReadPauses readPauses() {
			return new ReadPauses();
		}

	}

	/**
	 * Wraps the {@link DataSource} and counts the {@code SELECT}s prepared against the
	 * product table, except locked ones ({@code FOR UPDATE}), which the cache never
	 * serves.
	 */
	static final class ProductReads implements BeanPostProcessor {

		private final AtomicInteger count = new AtomicInteger();

		private final List<String> statements = new CopyOnWriteArrayList<>();

		private final ThreadLocal<Boolean> uncounted = new ThreadLocal<>();

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof DataSource dataSource && !(bean instanceof CountingDataSource)) {
				return new CountingDataSource(dataSource, this);
			}
			return bean;
		}

		int count() {
			return this.count.get();
		}

		/** Run a read of the test's own that is not counted. */
		<T> T uncounted(Supplier<T> read) {
			this.uncounted.set(true);
			try {
				return read.get();
			}
			finally {
				this.uncounted.remove();
			}
		}

		void reset() {
			this.count.set(0);
			this.statements.clear();
		}

		String describe() {
			return this.count.get() + " product reads: " + this.statements;
		}

		void prepared(String sql) {
			if (this.uncounted.get() != null) {
				return;
			}
			String normalized = sql.strip().toUpperCase(Locale.ROOT);
			if (normalized.startsWith("SELECT") && normalized.contains("PRODUCT")
					&& !normalized.contains("FOR UPDATE")) {
				this.count.incrementAndGet();
				this.statements.add(Thread.currentThread().getName() + ": " + sql);
			}
		}

	}

	static final class CountingDataSource extends DelegatingDataSource {

		private final ProductReads reads;

		CountingDataSource(DataSource target, ProductReads reads) {
			super(target);
			this.reads = reads;
		}

		@Override
		public Connection getConnection() throws SQLException {
			return counting(super.getConnection());
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return counting(super.getConnection(username, password));
		}

		private Connection counting(Connection connection) {
			InvocationHandler handler = (proxy, method, args) -> {
				if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
					this.reads.prepared(sql);
				}
				try {
					return method.invoke(connection, args);
				}
				catch (InvocationTargetException ex) {
					throw ex.getTargetException();
				}
			};
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					handler);
		}

	}

	/**
	 * Pauses a reader thread once Spring Data JDBC has read and converted a product's
	 * row, that is after its database read completed and before tiercache stores the
	 * result.
	 */
	static final class ReadPauses {

		private final ThreadLocal<ReadPause> armed = new ThreadLocal<>();

		private final List<ReadPause> created = new CopyOnWriteArrayList<>();

		ReadPause create(long productId) {
			ReadPause pause = new ReadPause(productId, this.armed);
			this.created.add(pause);
			return pause;
		}

		void releaseAll() {
			this.created.forEach(ReadPause::release);
			this.created.clear();
		}

		@EventListener
		void afterConvert(AfterConvertEvent<?> event) throws InterruptedException {
			ReadPause pause = this.armed.get();
			if (pause != null && event.getEntity() instanceof Product product && product.id() == pause.productId) {
				this.armed.remove();
				pause.hold(product);
			}
		}

	}

	static final class ReadPause {

		private final long productId;

		private final ThreadLocal<ReadPause> armed;

		private final CountDownLatch rowRead = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		private volatile Product row;

		ReadPause(long productId, ThreadLocal<ReadPause> armed) {
			this.productId = productId;
			this.armed = armed;
		}

		/** Run a read on this thread, pausing it once it has read the product's row. */
		<T> T during(Supplier<T> read) {
			this.armed.set(this);
			try {
				return read.get();
			}
			finally {
				this.armed.remove();
			}
		}

		void hold(Product row) throws InterruptedException {
			this.row = row;
			this.rowRead.countDown();
			if (!this.released.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The paused reader was never released");
			}
		}

		Product awaitRowRead() {
			try {
				assertThat(this.rowRead.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the reader read the row")
					.isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			return this.row;
		}

		void release() {
			this.released.countDown();
		}

	}

}
