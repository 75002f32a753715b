package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.redis.CircuitBreaker;
import io.tiercache.test.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The store against a real Redis: both tiers, tag invalidation, the read-populates-stale
 * race, eviction and restart safety, time to live and failure behaviour ([I1] to [I4] in
 * docs/correctness.md).
 */
class TieredStoreIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	private static final TestKeys KEYS = TestKeys.defaults();

	private final List<StoreFixture> fixtures = new ArrayList<>();

	/** The "database": product id to version. */
	private final Map<Long, Long> database = new ConcurrentHashMap<>();

	private final AtomicInteger loads = new AtomicInteger();

	private StoreFixture a;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.a = fixture();
		for (long id = 1; id <= 3; id++) {
			this.database.put(id, 1L);
		}
	}

	@AfterEach
	void tearDown() {
		this.fixtures.forEach(StoreFixture::close);
	}

	@Test
	void secondReadIsServedLocallyAndAfterALocalClearFromRedisWithoutCallingTheMethod() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		assertThat(read(cache, 1)).isEqualTo(new Product(1, 1));
		assertThat(this.loads).hasValue(1);
		assertThat(cache.getLocal(1L)).isEqualTo(new Product(1, 1));
		this.a.store.clearLocal();
		assertThat(cache.getLocal(1L)).isSameAs(TieredCache.MISS);
		assertThat(read(cache, 1)).isEqualTo(new Product(1, 1));
		assertThat(this.loads).as("served from Redis").hasValue(1);
		assertThat(cache.getLocal(1L)).as("promoted back to the local tier").isEqualTo(new Product(1, 1));
	}

	@Test
	void anotherProcessReadsTheEntryFromRedis() throws Throwable {
		read(this.a.cache("products", Product.class), 1);
		StoreFixture b = fixture();
		assertThat(read(b.cache("products", Product.class), 1)).isEqualTo(new Product(1, 1));
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void invalidatingATagFromTheArgumentsOrTheResultMissesEveryEntryCarryingIt() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		learnSlotGroupsOf("category:even", "category:odd");
		for (long id = 1; id <= 3; id++) {
			readWithCategory(cache, id);
		}
		assertThat(this.loads).hasValue(3);
		this.a.store.invalidate(List.of("product:2"));
		for (long id = 1; id <= 3; id++) {
			readWithCategory(cache, id);
		}
		assertThat(this.loads).as("only product 2 reloaded").hasValue(4);
		this.a.store.invalidate(List.of("category:even"));
		this.a.store.clearLocal();
		for (long id = 1; id <= 3; id++) {
			readWithCategory(cache, id);
		}
		assertThat(this.loads).as("only product 2 carries category:even, a tag from its result").hasValue(5);
	}

	@Test
	void invalidationTouchesTheSameNumberOfKeysHoweverManyEntriesCarryTheTag() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		long fewEntries = commandsToInvalidate(cache, "few", 3);
		long manyEntries = commandsToInvalidate(cache, "many", 300);
		assertThat(manyEntries).isEqualTo(fewEntries);
		assertThat(fewEntries).as("HINCRBY, SET of the tag, PUBLISH and the script itself").isLessThanOrEqualTo(6);
	}

	private long commandsToInvalidate(TieredCache cache, String tag, int entries) throws Throwable {
		// Once before, so that the node has the script loaded (a first EVALSHA is refused
		// and followed by EVAL)
		this.a.store.invalidate(List.of(tag));
		for (long id = 0; id < entries; id++) {
			long key = id;
			cache.get(tag + id, StoreFixture.load(() -> new Product(key, 1), tag));
		}
		// On the node that runs the tag's invalidation
		String node = KEYS.seq(tag);
		redis.commandOnNodeOf(node, "CONFIG", "RESETSTAT");
		this.a.store.invalidate(List.of(tag));
		String stats = String.valueOf(redis.commandOnNodeOf(node, "INFO", "commandstats"));
		return stats.lines()
			.filter((line) -> line.startsWith("cmdstat_") && !line.startsWith("cmdstat_config")
					&& !line.startsWith("cmdstat_info") && !line.startsWith("cmdstat_cluster")
					&& !line.startsWith("cmdstat_ping"))
			.mapToLong((line) -> Long.parseLong(line.replaceFirst("^[^:]*:calls=(\\d+),.*$", "$1")))
			.sum();
	}

	@Test
	void aLoadThatRacedAnInvalidationIsNotStoredAndTheNextReadSeesTheNewValue() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		assertRaceEndsWithNewValue(cache, cache, this.a);
	}

	@Test
	void aLoadThatRacedAnInvalidationFromAnotherProcessIsNotStoredAnywhere() throws Throwable {
		StoreFixture b = fixture();
		TieredCache cacheA = this.a.cache("products", Product.class);
		TieredCache cacheB = b.cache("products", Product.class);
		assertRaceEndsWithNewValue(cacheA, cacheB, b);
		assertThat(read(cacheB, 1)).isEqualTo(new Product(1, 2));
	}

	private void assertRaceEndsWithNewValue(TieredCache reader, TieredCache writerView, StoreFixture writer)
			throws Throwable {
		CountDownLatch loaded = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Object> slowRead = CompletableFuture.supplyAsync(() -> {
			try {
				return reader.get(1L, StoreFixture.load(() -> {
					Product old = new Product(1, this.database.get(1L));
					loaded.countDown();
					release.await(10, TimeUnit.SECONDS);
					return old;
				}, "product:1"));
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(loaded.await(10, TimeUnit.SECONDS)).isTrue();
		this.database.put(1L, 2L);
		writer.store.invalidate(List.of("product:1"));
		release.countDown();
		assertThat(slowRead.get(10, TimeUnit.SECONDS)).as("the racing read itself may see the old row")
			.isEqualTo(new Product(1, 1));
		assertThat(reader.getLocal(1L)).isSameAs(TieredCache.MISS);
		assertThat(read(reader, 1)).isEqualTo(new Product(1, 2));
		assertThat(writerView.getLocal(1L)).isNotEqualTo(new Product(1, 1));
	}

	@Test
	void aLoadInFlightAcrossALocalClearNeverReachesTheLocalTier() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Object> load = CompletableFuture.supplyAsync(() -> {
			try {
				return cache.get(1L, StoreFixture.load(() -> {
					loading.countDown();
					release.await(10, TimeUnit.SECONDS);
					return new Product(1, 1);
				}, "product:1"));
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		// A clear stands for any event after which invalidations may have been missed.
		this.a.store.clearLocal();
		release.countDown();
		assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo(new Product(1, 1));
		assertThat(cache.getLocal(1L)).as("older generation: kept out").isSameAs(TieredCache.MISS);
		assertThat(redis.command("EXISTS", KEYS.entry("products", "1"))).as("valid in Redis").isEqualTo(1L);
	}

	@Test
	void anEntryWithTagsKnownOnlyFromItsResultStaysLocalOnlyIfNoInvalidationWasAppliedDuringItsLoad() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		// The tag has a record in Redis (else any invalidation during the load would keep
		// the entry out of Redis too: a tag first met in a result counts as invalidated
		// now).
		redis.command("SET", KEYS.tag("category:even"), "1", "PX", "600000");
		learnSlotGroupsOf("category:even");
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Object> load = CompletableFuture.supplyAsync(() -> {
			try {
				return cache.get(2L, StoreFixture.load(() -> {
					loading.countDown();
					release.await(10, TimeUnit.SECONDS);
					return new Product(2, 1);
				}, List.of(), (result) -> List.of("category:even")));
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		// Its result tag had no state in this process while the load ran, so this process
		// cannot tell whether the invalidation concerned it: it keeps the entry out.
		this.a.store.invalidate(List.of("product:99"));
		release.countDown();
		load.get(10, TimeUnit.SECONDS);
		assertThat(cache.getLocal(2L)).isSameAs(TieredCache.MISS);
		assertThat(cache.get(2L, StoreFixture.load(() -> {
			this.loads.incrementAndGet();
			return new Product(2, 0);
		}))).as("stored in Redis all the same").isEqualTo(new Product(2, 1));
		assertThat(this.loads).hasValue(0);
		assertThat(cache.getLocal(2L)).as("no invalidation this time").isEqualTo(new Product(2, 1));
	}

	@Test
	void aMissingTagRecordMakesTheEntryMiss() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		read(cache, 1);
		redis.command("DEL", KEYS.tag("product:1"));
		this.a.store.clearLocal();
		read(cache, 1);
		assertThat(this.loads).as("evicted tag record: reloaded, not served").hasValue(2);
	}

	@Test
	void aLostSequenceHashStartsANewEpochThatInvalidatesOlderEntries() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		read(cache, 1);
		redis.command("DEL", KEYS.seq("product:1"));
		// A round trip of that slot group (the only one without slot groups)
		read(this.a.cache("products", Product.class), idInGroupOfProduct1());
		read(cache, 1);
		assertThat(this.loads).as("the new epoch cleared the local tier and the old entry is dead").hasValue(3);
	}

	@Test
	void flushAllNeverLetsAnOldEntryBeServed() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		read(cache, 1);
		redis.flushAll();
		this.database.put(1L, 2L);
		read(cache, idInGroupOfProduct1());
		assertThat(read(cache, 1)).as("epoch change seen on the next round trip clears the local tier")
			.isEqualTo(new Product(1, 2));
	}

	@Test
	void afterARestartOldEntriesAreGoneAndAnInvalidationStillClearsTheLocalEntry() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		read(cache, 1);
		redis.restart();
		this.database.put(1L, 2L);
		this.a.store.invalidate(List.of("product:1"));
		assertThat(cache.getLocal(1L)).isSameAs(TieredCache.MISS);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.a.store.pendingInvalidations() == 0);
		assertThat(read(cache, 1)).isEqualTo(new Product(1, 2));
		StoreFixture b = fixture();
		assertThat(read(b.cache("products", Product.class), 1)).isEqualTo(new Product(1, 2));
	}

	@Test
	void whileItsInvalidationIsPendingTheWriterDoesNotServeTheOldEntryFromRedis() throws Throwable {
		StoreFixture writer = new StoreFixture(redis, (options) -> options.breaker(100, Duration.ofMillis(200)));
		this.fixtures.add(writer);
		TieredCache cache = writer.cache("products", Product.class);
		read(cache, 1);
		writer.store.clearLocal();
		// Writes are refused (out of memory) while reads of existing entries still
		// succeed: the invalidation fails and stays pending, but Redis still answers with
		// the old entry.
		redis.command("CONFIG", "SET", "maxmemory", "1");
		try {
			this.database.put(1L, 2L);
			writer.store.invalidate(List.of("product:1"));
			assertThat(writer.store.pendingInvalidations()).isEqualTo(1);
			assertThat(read(cache, 1)).as("read-your-writes from Redis too").isEqualTo(new Product(1, 2));
		}
		finally {
			redis.command("CONFIG", "SET", "maxmemory", "0");
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			read(cache, 2);
			assertThat(writer.store.pendingInvalidations()).isZero();
		});
		StoreFixture other = fixture();
		assertThat(read(other.cache("products", Product.class), 1)).isEqualTo(new Product(1, 2));
	}

	@Test
	void entriesExpireWithinTtlMinusJitterAndTtl() throws Throwable {
		TieredCache cache = this.a.cache(
				new CacheSettings("jittered", Duration.ofSeconds(100), Jitter.ofPercent(50), null, true, true),
				Product.class);
		List<Long> ttls = new ArrayList<>();
		for (long id = 0; id < 40; id++) {
			long key = id;
			cache.get(key, StoreFixture.load(() -> new Product(key, 1)));
			ttls.add((Long) redis.command("PTTL", KEYS.entry("jittered", String.valueOf(id))));
		}
		assertThat(ttls).allSatisfy((ttl) -> assertThat(ttl).isBetween(50_000L - 1_000, 100_000L));
		assertThat(ttls.stream().mapToLong(Long::longValue).max().getAsLong()
				- ttls.stream().mapToLong(Long::longValue).min().getAsLong())
			.as("spread")
			.isGreaterThan(10_000L);
	}

	@Test
	void localEntriesExpireWithTheirTimeToLive() throws Throwable {
		TieredCache cache = this.a
			.cache(new CacheSettings("short", Duration.ofSeconds(10), Jitter.NONE, null, true, true), Product.class);
		read(cache, 1);
		this.a.ticker.advance(Duration.ofSeconds(9));
		assertThat(cache.getLocal(1L)).isEqualTo(new Product(1, 1));
		this.a.ticker.advance(Duration.ofSeconds(2));
		assertThat(cache.getLocal(1L)).isSameAs(TieredCache.MISS);
	}

	@Test
	void localMaxTtlCapsLocalEntries() throws Throwable {
		StoreFixture capped = new StoreFixture(redis, (options) -> options.localMaxTtl(Duration.ofSeconds(30)));
		this.fixtures.add(capped);
		TieredCache cache = capped.cache("products", Product.class);
		read(cache, 1);
		capped.ticker.advance(Duration.ofSeconds(31));
		assertThat(cache.getLocal(1L)).isSameAs(TieredCache.MISS);
	}

	@Test
	void absentValuesAreCachedOnlyWithANullTtl() throws Throwable {
		TieredCache plain = this.a.cache("plain", Product.class);
		TieredCache negative = this.a.cache(
				new CacheSettings("negative", Duration.ofMinutes(10), Jitter.NONE, Duration.ofSeconds(30), true, true),
				Product.class);
		for (int i = 0; i < 2; i++) {
			plain.get(9L, StoreFixture.load(this::absent));
			negative.get(9L, StoreFixture.load(this::absent));
		}
		assertThat(this.loads).as("once for the negative cache, twice for the plain one").hasValue(3);
		assertThat((Long) redis.command("PTTL", KEYS.entry("negative", "9"))).isBetween(1L, 30_000L);
		this.a.store.clearLocal();
		assertThat(negative.get(9L, StoreFixture.load(this::absent))).isNull();
		assertThat(this.loads).as("the absent value comes from Redis").hasValue(3);
	}

	@Test
	void exceptionsAreNeverCached() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> cache.get(1L, StoreFixture.load(() -> {
				this.loads.incrementAndGet();
				throw new IllegalStateException("database down");
			}))).hasMessage("database down");
		}
		assertThat(this.loads).hasValue(2);
		assertThat(redis.command("EXISTS", KEYS.entry("products", "1"))).isEqualTo(0L);
	}

	@Test
	void anUnserializableResultIsReturnedButNotCached() throws Throwable {
		TieredCache cache = this.a.cache("opaque", Exploding.class);
		Exploding opaque = new Exploding();
		for (int i = 0; i < 2; i++) {
			assertThat(cache.get(1L, StoreFixture.load(() -> {
				this.loads.incrementAndGet();
				return opaque;
			}))).isSameAs(opaque);
		}
		assertThat(this.loads).hasValue(2);
		assertThat(redis.command("EXISTS", KEYS.entry("opaque", "1"))).isEqualTo(0L);
	}

	@Test
	void aValueAboveTheSizeLimitIsReturnedButNotCached() throws Throwable {
		StoreFixture small = new StoreFixture(redis, (options) -> options.maxValueBytes(64));
		this.fixtures.add(small);
		TieredCache cache = small.cache("large", String.class);
		String large = "x".repeat(100);
		for (int i = 0; i < 2; i++) {
			assertThat(cache.get(1L, StoreFixture.load(() -> {
				this.loads.incrementAndGet();
				return large;
			}))).isEqualTo(large);
		}
		assertThat(this.loads).hasValue(2);
		assertThat(redis.command("EXISTS", KEYS.entry("large", "1"))).isEqualTo(0L);
		assertThat(cache.get(2L, StoreFixture.load(() -> "small"))).isEqualTo("small");
		assertThat(redis.command("EXISTS", KEYS.entry("large", "2"))).isEqualTo(1L);
	}

	@Test
	void anUndecodableEntryIsRemovedAndTheMethodCalled() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		read(cache, 1);
		String key = KEYS.entry("products", "1");
		String stored = String.valueOf(redis.command("GET", key));
		redis.command("SET", key, stored.replace("{", "[not json"));
		this.a.store.clearLocal();
		assertThat(read(cache, 1)).isEqualTo(new Product(1, 1));
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void whenRedisStopsCallsReturnTheMethodsResultsAndNothingIsThrown() throws Throwable {
		TieredCache cache = this.a.cache("products", Product.class);
		read(cache, 1);
		redis.stop();
		try {
			for (int i = 0; i < 5; i++) {
				assertThat(read(cache, 1)).isEqualTo(new Product(1, 1));
				assertThat(read(cache, 2)).isEqualTo(new Product(2, 1));
			}
			this.database.put(1L, 2L);
			this.a.store.invalidate(List.of("product:1"));
			assertThat(this.a.store.pendingInvalidations()).isEqualTo(1);
			assertThat(read(cache, 1)).as("read-your-writes while Redis is down").isEqualTo(new Product(1, 2));
		}
		finally {
			redis.start();
		}
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			read(cache, 3);
			assertThat(this.a.store.pendingInvalidations()).isZero();
		});
		assertThat(read(cache, 1)).isEqualTo(new Product(1, 2));
	}

	@Test
	void aQueuedInvalidationReachesRedisOnceItAnswersWithoutWaitingForTheBreakersWindow() {
		// A window far longer than the wait below: no ordinary call may probe meanwhile.
		StoreFixture writer = new StoreFixture(redis,
				(options) -> options.breaker(1, Duration.ofMinutes(5)).commandTimeout(Duration.ofMillis(200)));
		try {
			// Redis keeps its data (a restart would start a new epoch, which makes the
			// queued invalidation moot) but takes no write for a while; the connection
			// drops, and the invalidation waiting on it with it.
			redis.command("CLIENT", "PAUSE", "1500", "WRITE");
			writer.store.invalidate(List.of("product:1"));
			assertThat(writer.store.pendingInvalidations()).isOne();
			assertThat(writer.store.redis().breaker().state()).isNotEqualTo(CircuitBreaker.State.CLOSED);
			redis.command("CLIENT", "KILL", "TYPE", "normal");
			// Other processes may serve what the queued invalidation kills until it
			// lands: it is the breaker's probe, so it lands within its retry delay.
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(redis.command("EXISTS", KEYS.tag("product:1"))).isEqualTo(1L));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> writer.store.redis().breaker().state() == CircuitBreaker.State.CLOSED);
			assertThat(writer.store.pendingInvalidations()).isZero();
		}
		finally {
			writer.close();
		}
	}

	@Test
	void closingTheStorePublishesTheInvalidationsQueuedDuringAnOutage() throws Exception {
		StoreFixture writer = new StoreFixture(redis, (options) -> options.shutdownTimeout(Duration.ofSeconds(10)));
		redis.stop();
		writer.store.invalidate(List.of("product:1"));
		assertThat(writer.store.pendingInvalidations()).isOne();
		ExecutorService closing = Executors.newSingleThreadExecutor();
		try {
			Future<?> closed = closing.submit(writer::close);
			// The writer is closing while Redis is down; Redis comes back before the
			// timeout.
			redis.start();
			closed.get(15, TimeUnit.SECONDS);
		}
		finally {
			closing.shutdownNow();
		}
		assertThat(redis.command("EXISTS", KEYS.tag("product:1"))).as("the tag's record, written by the invalidation")
			.isEqualTo(1L);
	}

	private @Nullable Object absent() {
		this.loads.incrementAndGet();
		return null;
	}

	private Object read(TieredCache cache, long id) throws Throwable {
		Object local = cache.getLocal(id);
		if (local != TieredCache.MISS) {
			return local;
		}
		return cache.get(id, StoreFixture.load(() -> {
			this.loads.incrementAndGet();
			return new Product(id, this.database.getOrDefault(id, 1L));
		}, "product:" + id));
	}

	private Object readWithCategory(TieredCache cache, long id) throws Throwable {
		Object local = cache.getLocal(id);
		if (local != TieredCache.MISS) {
			return local;
		}
		return cache.get(id, StoreFixture.load(() -> {
			this.loads.incrementAndGet();
			return new Product(id, this.database.get(id));
		}, List.of("product:" + id),
				(result) -> List.of("category:" + ((((Product) result).id() % 2 == 0) ? "even" : "odd"))));
	}

	/**
	 * Make this process know the slot groups of tags that it will first meet in results,
	 * as any process soon does of every group that exists: a write records, for a group
	 * its read did not touch, the number this process last knew of it, and is refused if
	 * it knew none. Done with reads of other tags of those groups, so that the tags
	 * themselves stay unknown here. Nothing to learn with one group, which every read
	 * touches.
	 */
	private void learnSlotGroupsOf(String... tags) throws Throwable {
		TieredCache neighbours = this.a.cache("neighbours", String.class);
		for (String tag : tags) {
			int i = 0;
			while (KEYS.group("neighbour:" + i) != KEYS.group(tag)) {
				i++;
			}
			String neighbour = "neighbour:" + i;
			neighbours.get(neighbour, StoreFixture.load(() -> "of " + tag, neighbour));
		}
	}

	/**
	 * A product other than 1 whose tag is in the slot group of {@code product:1}: 2 with
	 * one group.
	 */
	private static long idInGroupOfProduct1() {
		long id = 2;
		while (KEYS.group("product:" + id) != KEYS.group("product:1")) {
			id++;
		}
		return id;
	}

	private StoreFixture fixture() {
		StoreFixture fixture = new StoreFixture(redis);
		this.fixtures.add(fixture);
		return fixture;
	}

	record Product(long id, long version) {
	}

	/** A value Jackson cannot write. */
	static class Exploding {

		public String getName() {
			throw new IllegalStateException("not serializable");
		}

	}

}
