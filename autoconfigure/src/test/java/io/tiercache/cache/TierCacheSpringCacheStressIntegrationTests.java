package io.tiercache.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.store.StoreObserver;
import io.tiercache.test.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueWrapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many short races of lookups ({@code get(key)}) against each other kind of call of the
 * same key, on a real Redis with a second instance reading what was stored. Each round
 * takes a fresh key; lookups run back to back on another thread for as long as the call
 * runs, so that some lookup is in flight whenever the call reaches the store. Whatever
 * the interleaving, no caller gets the lookup's internal "nothing found" and nothing else
 * than the call's value is stored. The chosen interleavings themselves are in
 * {@link TierCacheSpringCacheSharingIntegrationTests}.
 */
class TierCacheSpringCacheStressIntegrationTests {

	private static final int ROUNDS = 1000;

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ExecutorService lookups = Executors.newSingleThreadExecutor();

	private BridgeFixture first;

	private BridgeFixture second;

	private Cache cache;

	@BeforeEach
	void createInstances() {
		redis.flushAll();
		this.first = new BridgeFixture(redis, StoreObserver.NONE, true);
		this.second = new BridgeFixture(redis, StoreObserver.NONE, true);
		this.cache = this.first.cacheManager.getCache("books");
	}

	@AfterEach
	void closeInstances() {
		this.lookups.shutdownNow();
		this.first.close();
		this.second.close();
	}

	@Test
	void getWithLoaderNextToLookupsAlwaysLoadsItsOwnValue() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		Tally tally = race((key) -> this.cache.<Object>get(key, () -> {
			loads.incrementAndGet();
			return value(key);
		}), (key, result) -> value(key).equals(result));
		assertThat(tally.wrong).as("rounds whose call did not get its own value").hasValue(0);
		assertThat(loads).as("loader calls: one per round, none skipped").hasValue(ROUNDS);
		tally.assertClean();
	}

	@Test
	void putIfAbsentNextToLookupsAlwaysStoresAndAnswersAbsent() throws Exception {
		Tally tally = race((key) -> this.cache.putIfAbsent(key, value(key)), (key, result) -> result == null);
		assertThat(tally.wrong).as("rounds whose putIfAbsent did not answer absent").hasValue(0);
		tally.assertClean();
	}

	@Test
	void retrieveWithLoaderNextToLookupsAlwaysCompletesWithItsOwnValue() throws Exception {
		Tally tally = race(
				(key) -> this.cache.<Object>retrieve(key, () -> CompletableFuture.completedFuture(value(key)))
					.get(10, TimeUnit.SECONDS),
				(key, result) -> value(key).equals(result));
		assertThat(tally.wrong).as("rounds whose retrieval did not complete with its own value").hasValue(0);
		tally.assertClean();
	}

	@Test
	void putNextToLookupsIsNeverLost() throws Exception {
		Tally tally = race((key) -> {
			this.cache.put(key, value(key));
			return null;
		}, (key, result) -> true);
		tally.assertClean();
	}

	/**
	 * Race lookups against a call, once per round on a fresh key, and count what went
	 * wrong: a sentinel returned (by the call or a lookup), a sentinel or another value
	 * than the call's stored (as either instance reads it afterwards), an unexpected
	 * result.
	 */
	private Tally race(Call call, Expectation expectation) throws Exception {
		Tally tally = new Tally();
		Cache other = this.second.cacheManager.getCache("books");
		for (int round = 0; round < ROUNDS; round++) {
			String key = "k" + round;
			AtomicBoolean done = new AtomicBoolean();
			CountDownLatch looking = new CountDownLatch(1);
			Future<?> lookups = this.lookups.submit(() -> {
				looking.countDown();
				do {
					ValueWrapper found = this.cache.get(key);
					tally.returned((found != null) ? found.get() : null);
				}
				while (!done.get());
			});
			assertThat(looking.await(10, TimeUnit.SECONDS)).isTrue();
			Object result;
			try {
				result = call.run(key);
			}
			finally {
				done.set(true);
			}
			lookups.get(10, TimeUnit.SECONDS);
			tally.returned(result);
			if (!expectation.met(key, result)) {
				tally.wrong.incrementAndGet();
			}
			tally.stored(key, this.cache.get(key));
			tally.stored(key, other.get(key));
		}
		return tally;
	}

	private static String value(String key) {
		return "value of " + key;
	}

	@FunctionalInterface
	interface Call {

		@Nullable Object run(String key) throws Exception;

	}

	@FunctionalInterface
	interface Expectation {

		boolean met(String key, @Nullable Object result);

	}

	/** What went wrong over the rounds. */
	static final class Tally {

		final AtomicInteger sentinelsReturned = new AtomicInteger();

		final AtomicInteger sentinelsStored = new AtomicInteger();

		final AtomicInteger valuesLost = new AtomicInteger();

		final AtomicInteger wrong = new AtomicInteger();

		void returned(@Nullable Object value) {
			Object unwrapped = (value instanceof ValueWrapper wrapper) ? wrapper.get() : value;
			if (isSentinel(unwrapped)) {
				this.sentinelsReturned.incrementAndGet();
			}
		}

		void stored(String key, @Nullable ValueWrapper found) {
			Object value = (found != null) ? found.get() : null;
			if (isSentinel(value)) {
				this.sentinelsStored.incrementAndGet();
			}
			else if (!value(key).equals(value)) {
				this.valuesLost.incrementAndGet();
			}
		}

		void assertClean() {
			assertThat(this.sentinelsReturned).as("sentinels returned").hasValue(0);
			assertThat(this.sentinelsStored).as("sentinels stored").hasValue(0);
			assertThat(this.valuesLost).as("reads that did not find the call's value").hasValue(0);
		}

		private static boolean isSentinel(@Nullable Object value) {
			return value == TaggedLoad.NOT_FOUND || (value != null && value.getClass() == Object.class);
		}

	}

}
