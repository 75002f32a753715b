package io.tiercache.cache;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.cache.BridgeEvents.Gate;
import io.tiercache.cache.BridgeEvents.Point;
import io.tiercache.store.CacheTags;
import io.tiercache.test.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Calls of one key on {@link TierCacheSpringCache} forced into chosen interleavings,
 * against a real Redis and across two instances sharing it. A lookup ({@code get(key)},
 * what a plain {@code @Cacheable} asks first) is held just after its round trip found
 * nothing, a put between its invalidation and its store, a load inside its loader; the
 * other call then runs. Only loads that compute the key's value are shared
 * ({@link io.tiercache.store.CacheLoad#shared()}), so whatever runs next to a lookup gets
 * a value of its own, never the lookup's "nothing found", and a put is stored whatever is
 * in flight.
 * <p>
 * A call that joins another's flight in this process makes no Redis call before it does,
 * so once it waits for anything it waits for that flight (if it joined one): the tests
 * release the held call only then, which is when a wrongly shared answer would reach it.
 */
class TierCacheSpringCacheSharingIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final BridgeEvents firstEvents = new BridgeEvents();

	private final BridgeEvents secondEvents = new BridgeEvents();

	private BridgeFixture first;

	private BridgeFixture second;

	private Cache cache;

	@BeforeEach
	void createInstances() {
		redis.flushAll();
		this.first = new BridgeFixture(redis, this.firstEvents, true);
		this.second = new BridgeFixture(redis, this.secondEvents, true);
		this.cache = this.first.cacheManager.getCache("books");
	}

	@AfterEach
	void closeInstances() {
		this.first.close();
		this.second.close();
	}

	@Test
	void getWithLoaderThatStartsWhileALookupIsInFlightCallsItsLoaderAndReturnsItsValue() throws Exception {
		Caller<@Nullable ValueWrapper> lookup = lookupInFlight();
		AtomicInteger loads = new AtomicInteger();
		Caller<Object> loading = new Caller<>(
				() -> this.cache.<Object>get("k", () -> "loaded" + loads.incrementAndGet()))
			.start()
			.awaitWaitingOrDone();
		lookup.release();
		assertThat(loading.result()).succeedsWithin(TIMEOUT).isEqualTo("loaded1");
		assertThat(loads).hasValue(1);
		assertThat(lookup.result()).as("its read came before the load stored anything")
			.succeedsWithin(TIMEOUT)
			.isNull();
		assertEveryInstanceReads("k", "loaded1");
	}

	@Test
	void putIfAbsentWhileALookupIsInFlightStoresItsValueAndReturnsNull() throws Exception {
		Caller<@Nullable ValueWrapper> lookup = lookupInFlight();
		Caller<@Nullable ValueWrapper> putting = new Caller<>(() -> this.cache.putIfAbsent("k", "v")).start()
			.awaitWaitingOrDone();
		lookup.release();
		assertThat(putting.result()).succeedsWithin(TIMEOUT).isNull();
		assertThat(lookup.result()).succeedsWithin(TIMEOUT).isNull();
		assertEveryInstanceReads("k", "v");
	}

	@Test
	void retrieveWithLoaderWhileALookupIsInFlightCompletesWithTheLoadedValue() throws Exception {
		// Retrievals on the calling thread, so that the test sees where one waits.
		Cache retrieving = new TierCacheCacheManager(this.first.template,
				new SpringCacheValueCodec(List.of("io.tiercache")), true, Runnable::run)
			.getCache("books");
		Caller<@Nullable ValueWrapper> lookup = lookupInFlight();
		AtomicInteger loads = new AtomicInteger();
		Caller<Object> loading = new Caller<>(() -> retrieving
			.<Object>retrieve("k", () -> CompletableFuture.completedFuture("loaded" + loads.incrementAndGet()))
			.get(10, TimeUnit.SECONDS)).start().awaitWaitingOrDone();
		lookup.release();
		assertThat(loading.result()).succeedsWithin(TIMEOUT).isEqualTo("loaded1");
		assertThat(loads).hasValue(1);
		assertThat(lookup.result()).succeedsWithin(TIMEOUT).isNull();
		assertEveryInstanceReads("k", "loaded1");
	}

	@Test
	void putWhoseStoreStartsWhileALookupIsInFlightIsStoredOnEveryInstance() throws Exception {
		String keyTag = CacheTags.key("books", "k");
		AtomicInteger applied = new AtomicInteger();
		this.first.trust.addApplyListener((epoch, seq, tags) -> count(applied, tags, keyTag));
		Caller<Object> putting = new Caller<Object>(() -> {
			this.cache.put("k", "put");
			return "done";
		}).heldAt(this.firstEvents, Point.INVALIDATION_PUBLISHED).start();
		// The put's own apply and the echo of its message on this instance's
		// subscription: after both, a lookup starting now sees the same local state as
		// the put's store, the one case where a put could have joined its flight.
		await().atMost(TIMEOUT).until(() -> applied.get() == 2);
		Caller<@Nullable ValueWrapper> lookup = lookupInFlight();
		putting.release();
		putting.awaitWaitingOrDone();
		lookup.release();
		assertThat(putting.result()).succeedsWithin(TIMEOUT).isEqualTo("done");
		assertThat(lookup.result()).as("its read came before the put's store").succeedsWithin(TIMEOUT).isNull();
		assertEveryInstanceReads("k", "put");
	}

	@Test
	void putDuringALoadInFlightWaitsForNothingAndItsValueOutlivesTheLoad() throws Exception {
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Caller<Object> load = new Caller<>(() -> this.cache.<Object>get("k", () -> {
			loading.countDown();
			finish.await();
			return "loaded before the put";
		})).start();
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		Caller<Object> putting = new Caller<Object>(() -> {
			other().put("k", "put");
			return "done";
		}).start();
		assertThat(putting.result()).succeedsWithin(TIMEOUT).isEqualTo("done");
		assertThat(this.secondEvents.leaseWaits).as("the put waited for the load's lease").hasValue(0);
		assertEveryInstanceReads("k", "put");
		finish.countDown();
		assertThat(load.result()).as("its caller gets what it loaded")
			.succeedsWithin(TIMEOUT)
			.isEqualTo("loaded before the put");
		// The load read its sequence before the put's invalidation, so it is older than
		// the put: it must not replace the put's value.
		assertEveryInstanceReads("k", "put");
	}

	@Test
	void lookupInFlightTakesNoLeaseSoAnotherInstanceLoadsWithoutWaiting() throws Exception {
		Caller<@Nullable ValueWrapper> lookup = lookupInFlight();
		assertThat(redis.command("EXISTS", "{tc:v1}:l:books:k")).as("the lookup's lease").isEqualTo(0L);
		assertThat(other().<Object>get("k", () -> "loaded")).isEqualTo("loaded");
		assertThat(this.secondEvents.leaseWaits).as("the load waited on a lease").hasValue(0);
		lookup.release();
		assertThat(lookup.result()).succeedsWithin(TIMEOUT).isNull();
		assertEveryInstanceReads("k", "loaded");
	}

	@Test
	void synchronizedCacheableNextToAPlainCacheableOfTheSameKeyNeverThrowsClassCastException() throws Exception {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.registerBean(CacheManager.class, () -> this.first.cacheManager);
			context.register(LibraryConfiguration.class);
			context.refresh();
			Library library = context.getBean(Library.class);
			// The plain @Cacheable asks the cache first: held there, as on a slow Redis.
			Caller<Book> plain = new Caller<>(() -> library.find("k")).heldAt(this.firstEvents, Point.REMOTE_MISS)
				.start();
			Caller<Book> synchronizedFind = new Caller<>(() -> library.findSynchronized("k")).start()
				.awaitWaitingOrDone();
			plain.release();
			assertThat(synchronizedFind.result()).succeedsWithin(TIMEOUT).isEqualTo(new Book("k", 1));
			// Its lookup missed, so it ran the method and put what it got.
			assertThat(plain.result()).succeedsWithin(TIMEOUT).isEqualTo(new Book("k", 2));
			assertThat(library.findSynchronized("k")).isEqualTo(new Book("k", 2));
			assertThat(library.find("k")).isEqualTo(new Book("k", 2));
			assertThat(library.calls()).hasValue(2);
			assertEveryInstanceReads("k", new Book("k", 2));
		}
	}

	/** Start a lookup of {@code "k"} and hold it once its round trip found nothing. */
	private Caller<@Nullable ValueWrapper> lookupInFlight() throws InterruptedException {
		return new Caller<>(() -> this.cache.get("k")).heldAt(this.firstEvents, Point.REMOTE_MISS).start();
	}

	private Cache other() {
		return this.second.cacheManager.getCache("books");
	}

	private void assertEveryInstanceReads(Object key, Object value) {
		for (BridgeFixture instance : List.of(this.first, this.second)) {
			Cache books = instance.cacheManager.getCache("books");
			await().atMost(TIMEOUT)
				.untilAsserted(
						() -> assertThat(books.get(key)).isNotNull().extracting(ValueWrapper::get).isEqualTo(value));
		}
	}

	private static void count(AtomicInteger applied, Collection<String> tags, String tag) {
		if (tags.contains(tag)) {
			applied.incrementAndGet();
		}
	}

	/** A call on a thread of its own, which a gate can hold and a test can watch wait. */
	static final class Caller<T> {

		private final Thread thread;

		private final CompletableFuture<T> result = new CompletableFuture<>();

		private @Nullable Gate gate;

		Caller(Callable<T> call) {
			this.thread = new Thread(() -> {
				try {
					this.result.complete(call.call());
				}
				catch (Throwable ex) {
					this.result.completeExceptionally(ex);
				}
			}, "caller");
			this.thread.setDaemon(true);
		}

		/** Hold the call at a point of the store, once started. */
		Caller<T> heldAt(BridgeEvents events, Point point) {
			this.gate = events.hold(this.thread, point);
			return this;
		}

		/** Start the call; if it is to be held, return once it is. */
		Caller<T> start() throws InterruptedException {
			this.thread.start();
			if (this.gate != null) {
				this.gate.awaitReached();
			}
			return this;
		}

		/** Let a held call go on. */
		void release() {
			if (this.gate == null) {
				throw new IllegalStateException("Not a held call");
			}
			this.gate.open();
		}

		/** Wait until the call has ended or waits for something. */
		Caller<T> awaitWaitingOrDone() {
			await().atMost(TIMEOUT).until(() -> this.result.isDone() || waiting(this.thread.getState()));
			return this;
		}

		CompletableFuture<T> result() {
			return this.result;
		}

		private static boolean waiting(Thread.State state) {
			return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class LibraryConfiguration {

		@Bean
		Library library() {
			return new Library();
		}

	}

	public static class Library {

		private final AtomicInteger calls = new AtomicInteger();

		@Cacheable("books")
		public Book find(String isbn) {
			return new Book(isbn, this.calls.incrementAndGet());
		}

		@Cacheable(cacheNames = "books", sync = true)
		public Book findSynchronized(String isbn) {
			return new Book(isbn, this.calls.incrementAndGet());
		}

		public AtomicInteger calls() {
			return this.calls;
		}

	}

	record Book(String isbn, int edition) implements Serializable {
	}

}
