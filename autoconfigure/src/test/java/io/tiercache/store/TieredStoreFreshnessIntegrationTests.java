package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Stampede protection, stale-while-revalidate and early refresh against a real Redis,
 * with counting loaders. Several stores on one Redis play several processes.
 */
class TieredStoreFreshnessIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private static final TestKeys KEYS = TestKeys.defaults();

	private final List<StoreFixture> fixtures = new ArrayList<>();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final AtomicInteger loads = new AtomicInteger();

	private final AtomicLong clock = new AtomicLong(1_000_000);

	@BeforeEach
	void setUp() {
		redis.flushAll();
	}

	@AfterEach
	void tearDown() {
		this.threads.shutdownNow();
		this.fixtures.forEach(StoreFixture::close);
	}

	@Test
	void concurrentMissesAcrossProcessesRunTheMethodOnce() throws Exception {
		List<TieredCache> caches = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			caches.add(fixture(UnaryOperator.identity()).cache("products", String.class));
		}
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger callers = new AtomicInteger();
		List<Future<Object>> results = new ArrayList<>();
		for (TieredCache cache : caches) {
			for (int i = 0; i < 32; i++) {
				results.add(this.threads.submit(() -> {
					start.await();
					callers.incrementAndGet();
					return read(cache, () -> {
						this.loads.incrementAndGet();
						// A slow query: it ends only once all 128 callers have made their
						// call.
						await().atMost(Duration.ofSeconds(10)).until(() -> callers.get() == 128);
						return "loaded";
					});
				}));
			}
		}
		start.countDown();
		for (Future<Object> result : results) {
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
		}
		assertThat(this.loads).hasValue(1);
		int coalescedLocal = 0;
		int coalescedRemote = 0;
		for (StoreFixture fixture : this.fixtures) {
			coalescedLocal += fixture.events.coalescedLocal.get();
			coalescedRemote += fixture.events.coalescedRemote.get();
		}
		// A caller scheduled after the load ended finds the entry instead: bounds, not
		// exact counts.
		assertThat(coalescedRemote).as("other processes waited for the lease holder's entry").isBetween(1, 3);
		assertThat(coalescedLocal).as("callers shared their process's flight").isBetween(1, 124);
	}

	@Test
	void callersShareTheExceptionOfTheLoadTheyJoined() throws Exception {
		TieredCache cache = fixture(UnaryOperator.identity()).cache("products", String.class);
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch fail = new CountDownLatch(1);
		Future<Object> leader = this.threads.submit(() -> read(cache, () -> {
			this.loads.incrementAndGet();
			loading.countDown();
			fail.await();
			throw new IllegalStateException("database down");
		}));
		assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
		AtomicReference<Thread> followerThread = new AtomicReference<>();
		Future<Object> follower = this.threads.submit(() -> {
			followerThread.set(Thread.currentThread());
			return read(cache, () -> {
				this.loads.incrementAndGet();
				return "follower loaded";
			});
		});
		// The follower makes no Redis call: once it waits, it waits on the leader's
		// flight.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> followerThread.get() != null && followerThread.get().getState() == Thread.State.TIMED_WAITING);
		fail.countDown();
		assertThatThrownBy(() -> leader.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("database down");
		assertThatThrownBy(() -> follower.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("database down");
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void aLoadThatIsNotSharedDoesNotJoinTheFlightInProgressNorWaitForItsLease() throws Exception {
		UnaryOperator<StoreOptions.Builder> longLease = (options) -> options.lease(Duration.ofSeconds(30),
				Duration.ofSeconds(30));
		StoreFixture a = fixture(longLease);
		TieredCache cache = a.cache("products", String.class);
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Future<Object> shared = this.threads.submit(() -> read(cache, () -> {
			loading.countDown();
			finish.await();
			return "shared";
		}));
		assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(redis.command("EXISTS", KEYS.lease("products", "1"))).as("the shared load's lease").isEqualTo(1L);
		AtomicReference<Thread> aloneThread = new AtomicReference<>();
		Future<Object> alone = this.threads.submit(() -> {
			aloneThread.set(Thread.currentThread());
			return readAlone(cache, () -> "alone");
		});
		// Joining the flight, it would wait without a Redis call: let the shared load end
		// once the other is done or waits.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> alone.isDone() || (aloneThread.get() != null && waiting(aloneThread.get())));
		finish.countDown();
		assertThat(alone.get(5, TimeUnit.SECONDS)).isEqualTo("alone");
		assertThat(shared.get(5, TimeUnit.SECONDS)).isEqualTo("shared");
		assertThat(a.events.coalescedLocal).as("joined the flight").hasValue(0);
		assertThat(a.events.leaseWaits).as("waited on the lease").hasValue(0);
	}

	@Test
	void aLoadThatIsNotSharedLeadsNoFlightAndTakesNoLease() throws Exception {
		StoreFixture a = fixture(UnaryOperator.identity());
		TieredCache cacheA = a.cache("products", String.class);
		StoreFixture b = fixture(UnaryOperator.identity());
		TieredCache cacheB = b.cache("products", String.class);
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Future<Object> alone = this.threads.submit(() -> readAlone(cacheA, () -> {
			loading.countDown();
			finish.await();
			return "alone";
		}));
		assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(redis.command("EXISTS", KEYS.lease("products", "1"))).as("a lease").isEqualTo(0L);
		assertThat(this.threads.submit(() -> read(cacheA, () -> "loaded in A")).get(10, TimeUnit.SECONDS))
			.isEqualTo("loaded in A");
		assertThat(this.threads.submit(() -> read(cacheB, () -> "loaded in B")).get(10, TimeUnit.SECONDS))
			.as("B finds A's stored entry")
			.isEqualTo("loaded in A");
		assertThat(a.events.coalescedLocal).as("joined the flight").hasValue(0);
		assertThat(b.events.leaseWaits).as("waited on a lease").hasValue(0);
		assertThat(alone).as("the load that is not shared is still in flight").isNotDone();
		finish.countDown();
		assertThat(alone.get(5, TimeUnit.SECONDS)).as("its caller gets its own value").isEqualTo("alone");
	}

	@Test
	void whenTheLeaseHolderThrowsAWaitingProcessCompletesTheLoad() throws Exception {
		TieredCache cacheA = fixture(UnaryOperator.identity()).cache("products", String.class);
		StoreFixture b = fixture(UnaryOperator.identity());
		TieredCache cacheB = b.cache("products", String.class);
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch fail = new CountDownLatch(1);
		Future<Object> holder = this.threads.submit(() -> read(cacheA, () -> {
			holding.countDown();
			fail.await();
			throw new IllegalStateException("query failed");
		}));
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(redis.command("EXISTS", KEYS.lease("products", "1"))).as("lease held").isEqualTo(1L);
		Future<Object> waiter = this.threads.submit(() -> read(cacheB, () -> {
			this.loads.incrementAndGet();
			return "loaded by B";
		}));
		await().atMost(Duration.ofSeconds(5)).until(() -> b.events.leaseWaits.get() > 0);
		fail.countDown();
		assertThatThrownBy(() -> holder.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("query failed");
		assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("loaded by B");
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void aResultThatIsNotCachedReleasesTheLeaseForTheWaitingProcesses() throws Exception {
		UnaryOperator<StoreOptions.Builder> longLease = (
				options) -> options.lease(Duration.ofSeconds(30), Duration.ofSeconds(30)).refreshThreads(1);
		TieredCache cacheA = fixture(longLease).cache("absent", String.class);
		StoreFixture b = fixture(longLease);
		TieredCache cacheB = b.cache("absent", String.class);
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Future<Object> holder = this.threads.submit(() -> read(cacheA, () -> {
			holding.countDown();
			finish.await();
			// An absent value with no nullTtl: nothing is stored for the waiter to find.
			return null;
		}));
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		Future<Object> waiter = this.threads.submit(() -> read(cacheB, () -> {
			this.loads.incrementAndGet();
			return "loaded by B";
		}));
		await().atMost(Duration.ofSeconds(5)).until(() -> b.events.leaseWaits.get() > 0);
		finish.countDown();
		assertThat(holder.get(5, TimeUnit.SECONDS)).isNull();
		assertThat(waiter.get(5, TimeUnit.SECONDS)).as("not after the 30 s lease or wait").isEqualTo("loaded by B");
	}

	@Test
	void whenTheLeaseHolderHangsPastItsLeaseAWaitingProcessTakesOver() throws Exception {
		UnaryOperator<StoreOptions.Builder> shortLease = (
				options) -> options.lease(Duration.ofMillis(300), Duration.ofSeconds(10)).refreshThreads(1);
		TieredCache cacheA = fixture(shortLease).cache("products", String.class);
		StoreFixture b = fixture(shortLease);
		TieredCache cacheB = b.cache("products", String.class);
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch hang = new CountDownLatch(1);
		Future<Object> holder = this.threads.submit(() -> read(cacheA, () -> {
			holding.countDown();
			hang.await();
			return "late";
		}));
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		Future<Object> waiter = this.threads.submit(() -> read(cacheB, () -> {
			this.loads.incrementAndGet();
			return "taken over";
		}));
		assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("taken over");
		assertThat(holder).as("the holder still hangs").isNotDone();
		assertThat(b.events.leaseWaits).hasPositiveValue();
		hang.countDown();
		assertThat(holder.get(5, TimeUnit.SECONDS)).isEqualTo("late");
	}

	@Test
	void noCallerWaitsPastTheBound() throws Exception {
		// A 30 s bound, waited on the fake clock: the waiter gives up once its clock says
		// so, in no real time, while the holder still holds a 60 s lease.
		UnaryOperator<StoreOptions.Builder> longLease = (
				options) -> options.lease(Duration.ofSeconds(60), Duration.ofSeconds(30)).refreshThreads(1);
		TieredCache cacheA = fixture(longLease).cache("products", String.class);
		StoreFixture b = fixture(longLease).fakeSleeps();
		TieredCache cacheB = b.cache("products", String.class);
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch hang = new CountDownLatch(1);
		Future<Object> holder = this.threads.submit(() -> read(cacheA, () -> {
			holding.countDown();
			hang.await();
			return "late";
		}));
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		Future<Object> waiter = this.threads.submit(() -> read(cacheB, () -> {
			this.loads.incrementAndGet();
			return "loaded after waiting the bound";
		}));
		assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("loaded after waiting the bound");
		assertThat(b.ticker.read()).as("waited the whole bound on its clock")
			.isGreaterThanOrEqualTo(Duration.ofSeconds(30).toNanos());
		assertThat(b.events.leaseWaits).hasPositiveValue();
		assertThat(holder).isNotDone();
		hang.countDown();
		holder.get(5, TimeUnit.SECONDS);
	}

	@Test
	void afterTheSoftExpiryTheOldValueIsServedAtOnceWhileExactlyOneRefreshRuns() throws Exception {
		StoreFixture a = fixture((options) -> options.wallClock(this.clock::get)
			.random(() -> 0.5)
			.lease(Duration.ofSeconds(2), Duration.ofSeconds(3))
			.earlyRefreshBeta(0)
			.refreshThreads(1));
		TieredCache cache = a.cache(swr(), String.class);
		AtomicLong version = new AtomicLong(1);
		CountDownLatch refreshMayFinish = new CountDownLatch(1);
		StoreFixture.Loader loader = () -> {
			long loaded = this.loads.incrementAndGet();
			if (loaded > 1) {
				refreshMayFinish.await(5, TimeUnit.SECONDS);
			}
			return "v" + version.get();
		};
		assertThat(readRefreshable(cache, loader)).isEqualTo("v1");
		version.set(2);
		expire(a, Duration.ofSeconds(11));
		for (int i = 0; i < 20; i++) {
			assertThat(readRefreshable(cache, loader)).as("stale value served at once").isEqualTo("v1");
		}
		refreshMayFinish.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> a.events.refreshSuccesses.get() == 1);
		assertThat(this.loads).as("one load, then exactly one refresh").hasValue(2);
		assertThat(a.events.staleServed).hasValue(20);
		assertThat(readRefreshable(cache, loader)).isEqualTo("v2");
	}

	@Test
	void anInvalidatedEntryIsNeverServedStale() throws Throwable {
		StoreFixture a = fixture((options) -> options.wallClock(this.clock::get)
			.random(() -> 0.5)
			.lease(Duration.ofSeconds(2), Duration.ofSeconds(3))
			.earlyRefreshBeta(0)
			.refreshThreads(1));
		TieredCache cache = a.cache(swr(), String.class);
		AtomicLong version = new AtomicLong(1);
		StoreFixture.Loader loader = () -> {
			this.loads.incrementAndGet();
			return "v" + version.get();
		};
		readRefreshable(cache, loader);
		expire(a, Duration.ofSeconds(11));
		version.set(2);
		a.store.invalidate(List.of("product:1"));
		assertThat(readRefreshable(cache, loader)).isEqualTo("v2");
		assertThat(a.events.staleServed).hasValue(0);
	}

	@Test
	void aFailedRefreshKeepsTheOldValueUntilItsHardExpiry() throws Throwable {
		StoreFixture a = fixture((options) -> options.wallClock(this.clock::get)
			.random(() -> 0.5)
			.lease(Duration.ofSeconds(2), Duration.ofSeconds(3))
			.earlyRefreshBeta(0)
			.refreshThreads(1));
		TieredCache cache = a.cache(swr(), String.class);
		StoreFixture.Loader loader = () -> {
			if (this.loads.incrementAndGet() > 1) {
				throw new IllegalStateException("refresh failed");
			}
			return "v1";
		};
		readRefreshable(cache, loader);
		expire(a, Duration.ofSeconds(11));
		assertThat(readRefreshable(cache, loader)).isEqualTo("v1");
		await().atMost(Duration.ofSeconds(5)).until(() -> a.events.refreshFailures.get() == 1);
		assertThat(readRefreshable(cache, loader)).isEqualTo("v1");
		assertThat((Long) redis.command("PTTL", KEYS.entry("swr", "1"))).as("hard expiry: ttl + stale window")
			.isGreaterThan(Duration.ofSeconds(10).toMillis());
	}

	@Test
	void aReadCloseToExpiryRefreshesEarlyWhenTheDrawSaysSo() throws Throwable {
		// U close to 1 makes -ln(1 - U) large: the draw refreshes even far from expiry.
		StoreFixture a = fixture((options) -> options.wallClock(this.clock::get)
			.random(() -> 0.999999)
			.lease(Duration.ofSeconds(2), Duration.ofSeconds(3))
			.earlyRefreshBeta(1.0)
			.refreshThreads(1));
		TieredCache cache = a.cache(new CacheSettings("early", Duration.ofSeconds(10), Jitter.NONE, null, true, true),
				String.class);
		AtomicLong version = new AtomicLong(1);
		StoreFixture.Loader slowLoader = () -> {
			this.loads.incrementAndGet();
			// A 20 ms load, on the fake clock that times loads.
			a.ticker.advance(Duration.ofMillis(20));
			return "v" + version.get();
		};
		assertThat(readRefreshable(cache, slowLoader)).isEqualTo("v1");
		version.set(2);
		this.clock.addAndGet(9_900);
		a.store.clearLocal();
		assertThat(readRefreshable(cache, slowLoader)).as("the current value, returned at once").isEqualTo("v1");
		await().atMost(Duration.ofSeconds(5)).until(() -> a.events.earlyRefreshes.get() == 1);
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void earlyRefreshIsOffWithBetaZero() throws Throwable {
		StoreFixture a = fixture((options) -> options.wallClock(this.clock::get)
			.random(() -> 0.999999)
			.lease(Duration.ofSeconds(2), Duration.ofSeconds(3))
			.earlyRefreshBeta(0)
			.refreshThreads(1));
		TieredCache cache = a.cache(new CacheSettings("early", Duration.ofSeconds(10), Jitter.NONE, null, true, true),
				String.class);
		StoreFixture.Loader loader = () -> {
			this.loads.incrementAndGet();
			a.ticker.advance(Duration.ofMillis(20));
			return "v1";
		};
		readRefreshable(cache, loader);
		this.clock.addAndGet(9_900);
		a.store.clearLocal();
		readRefreshable(cache, loader);
		assertThat(a.events.earlyRefreshes).hasValue(0);
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void futuresAreCachedByTheirValueAndFailedFuturesAreNot() throws Exception {
		TieredCache cache = fixture(UnaryOperator.identity()).cache("async", String.class);
		CompletableFuture<Object> first = cache.getAsync(1L, StoreFixture.load(() -> {
			this.loads.incrementAndGet();
			return CompletableFuture.supplyAsync(() -> "async value");
		}));
		assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("async value");
		assertThat(cache.getLocal(1L)).isEqualTo("async value");
		CompletableFuture<Object> failed = cache.getAsync(2L, StoreFixture.load(() -> {
			this.loads.incrementAndGet();
			return CompletableFuture.failedFuture(new IllegalStateException("remote call failed"));
		}));
		assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("remote call failed");
		assertThat(redis.command("EXISTS", KEYS.entry("async", "2"))).isEqualTo(0L);
		assertThat(this.loads).hasValue(2);
	}

	private CacheSettings swr() {
		return new CacheSettings("swr", Duration.ofSeconds(10), Jitter.NONE, null, true, true, Duration.ofMinutes(1));
	}

	private void expire(StoreFixture fixture, Duration duration) {
		this.clock.addAndGet(duration.toMillis());
		fixture.ticker.advance(duration);
	}

	private Object read(TieredCache cache, StoreFixture.Loader loader) throws Exception {
		try {
			Object local = cache.getLocal(1L);
			return (local != TieredCache.MISS) ? local : cache.get(1L, StoreFixture.load(loader, "product:1"));
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean waiting(Thread thread) {
		return thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING;
	}

	private Object readAlone(TieredCache cache, StoreFixture.Loader loader) throws Exception {
		try {
			Object local = cache.getLocal(1L);
			return (local != TieredCache.MISS) ? local : cache.get(1L, StoreFixture.alone(loader, "product:1"));
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Object readRefreshable(TieredCache cache, StoreFixture.Loader loader) throws Exception {
		try {
			Object local = cache.getLocal(1L);
			return (local != TieredCache.MISS) ? local : cache.get(1L, StoreFixture.refreshable(loader, "product:1"));
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	private StoreFixture fixture(UnaryOperator<StoreOptions.Builder> options) {
		StoreFixture fixture = new StoreFixture(redis, options);
		this.fixtures.add(fixture);
		return fixture;
	}

}
