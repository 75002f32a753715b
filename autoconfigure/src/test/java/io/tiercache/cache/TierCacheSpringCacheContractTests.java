package io.tiercache.cache;

import java.io.Serializable;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.store.StoreObserver;
import io.tiercache.store.TestKeys;
import io.tiercache.store.TieredCache;
import io.tiercache.test.RedisServerExtension;
import org.awaitility.core.ThrowingRunnable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.BeanUtils;
import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueRetrievalException;
import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.interceptor.SimpleKeyGenerator;
import org.springframework.cache.support.NullValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What Spring expects of a {@link Cache}, held against the bridge: the expectations of
 * spring-context's {@code AbstractCacheTests} and {@code AbstractValueAdaptingCacheTests}
 * and of Spring Data Redis's {@code RedisCacheTests}, written again for
 * {@link TierCacheSpringCache} on a real Redis. Each expectation runs on one instance
 * ({@link OnOneInstance}) and across two sharing the Redis ({@link AcrossTwoInstances}:
 * one instance writes, puts, evicts and clears, the other reads); reads that follow a
 * change on the other instance wait for its invalidation message, the one window
 * tiercache admits.
 * <p>
 * Where the bridge deliberately differs from Spring Data Redis's {@code RedisCache}, the
 * expectation is adapted, as the README's "Spring Cache bridge" section says:
 * <ul>
 * <li>Entries live under tiercache's layout ({@code {tc:v1}:e:<cache>:<key>}) in an
 * envelope with their tags, not as bare serialized values under {@code <cache>::<key>}:
 * expectations that wrote Redis directly store through the other instance instead, and
 * those that read the raw bytes read the value through the other instance (the
 * {@code computePrefixWith}/{@code prefixCacheNameWith} expectations become the key
 * layout; {@code tiercache.redis.key-prefix} and {@code tiercache.namespace} set
 * it).</li>
 * <li>Values are Java-serialized (as {@code RedisCache} does by default), and only
 * classes of trusted packages are read back; a value that cannot be serialized is
 * returned but not cached, where {@code RedisCache} throws (see
 * {@link TierCacheSpringCacheIntegrationTests}).</li>
 * <li>Keys are rendered by tiercache ({@code KeyRenderer}: values, enums, records,
 * collections and {@code SimpleKey}s, each with its type), not converted with
 * {@code toString()}: a key of any other class (whose {@code equals} nothing describes)
 * is never cached, and the error handler is told, where {@code RedisCache} keys it by its
 * {@code toString()} or throws {@code IllegalStateException}.</li>
 * <li>{@code evict} and {@code clear} invalidate a tag (the key's, the cache's): the
 * entries are dead at once in Redis and on this instance, on the others once the message
 * reaches them, and leave Redis when next read or when their time to live ends, rather
 * than being deleted key by key. {@code clear(pattern)} and batch strategies do not
 * exist.</li>
 * <li>{@code invalidate()} answers whether this instance held entries of the cache that
 * could be served: entries only another instance stored, or only in Redis, do not count
 * (Spring allows {@code false} when presence cannot be determined).</li>
 * <li>Not ported: time-to-idle (tiercache has no idle expiry), the locking cache writer
 * and the Jedis driver (tiercache's own lease and Lettuce take their place).</li>
 * <li>{@code cacheGetSynchronized} holds its loader until every caller has called,
 * instead of sleeping; across two instances its callers are split between them, and still
 * only one of them loads.</li>
 * </ul>
 */
class TierCacheSpringCacheContractTests {

	private static final String CACHE_NAME = "testCache";

	private static final String CACHE_NAME_NO_NULL = "testCacheNoNull";

	private static final Duration DELIVERY = Duration.ofSeconds(5);

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private static final TestKeys KEYS = TestKeys.defaults();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private BridgeFixture first;

	// Started only by the expectations that need two instances.
	private @Nullable BridgeFixture second;

	@BeforeEach
	void createInstances() {
		redis.flushAll();
		this.first = new BridgeFixture(redis, StoreObserver.NONE, true);
	}

	@AfterEach
	void closeInstances() {
		this.threads.shutdownNow();
		this.first.close();
		if (this.second != null) {
			this.second.close();
		}
	}

	@Test
	void cacheHasItsName() {
		assertThat(this.first.cacheManager.getCache(CACHE_NAME).getName()).isEqualTo(CACHE_NAME);
	}

	@Test
	void nativeCacheIsTheStoresCache() {
		TieredCache nativeCache = (TieredCache) this.first.cacheManager.getCache(CACHE_NAME).getNativeCache();
		assertThat(nativeCache).isSameAs(this.first.store.caches().get(CACHE_NAME));
	}

	@Test
	void putOfNullFailsNamingTheCacheWhenNullValuesAreNotAllowed() {
		try (BridgeFixture strict = new BridgeFixture(redis, StoreObserver.NONE, false)) {
			Cache cache = strict.cacheManager.getCache(CACHE_NAME_NO_NULL);
			assertThatIllegalArgumentException().isThrownBy(() -> cache.put(UUID.randomUUID().toString(), null))
				.withMessageContaining(CACHE_NAME_NO_NULL)
				.withMessageContaining("is configured to not allow null values but null was provided");
		}
	}

	/**
	 * The expectations, over a cache that writes and one that reads: the same instance's
	 * cache, or one instance's and the other's.
	 */
	abstract class Expectations {

		/** The cache that puts, evicts and clears. */
		abstract Cache writer();

		/** The cache that reads what the writer did. */
		abstract Cache reader();

		// spring-context AbstractCacheTests

		@Test
		void putStoresValuesAndNullsThatGetReturns() {
			String key = randomKey();
			assertThat(reader().get(key)).isNull();
			assertThat(reader().get(key, String.class)).isNull();
			assertThat(reader().get(key, Object.class)).isNull();

			writer().put(key, "george");
			eventually(() -> assertThat(reader().get(key)).extracting(ValueWrapper::get).isEqualTo("george"));
			assertThat(reader().get(key, String.class)).isEqualTo("george");
			assertThat(reader().get(key, Object.class)).isEqualTo("george");
			assertThat(reader().get(key, (Class<?>) null)).isEqualTo("george");

			writer().put(key, null);
			eventually(() -> assertThat(reader().get(key)).isNotNull().extracting(ValueWrapper::get).isNull());
			assertThat(reader().get(key, String.class)).isNull();
			assertThat(reader().get(key, Object.class)).isNull();

			writer().put(key, "changed");
			eventually(() -> assertThat(reader().get(key, String.class)).isEqualTo("changed"));
			writer().put(key, BeanUtils.instantiateClass(NullValue.class));
			eventually(() -> assertThat(reader().get(key)).isNotNull().extracting(ValueWrapper::get).isNull());
			assertThat(reader().get(key, String.class)).isNull();
			assertThat(reader().get(key, Object.class)).isNull();
		}

		@Test
		void putIfAbsentStoresOnlyTheFirstValue() {
			String key = randomKey();
			assertThat(reader().get(key)).isNull();
			assertThat(writer().putIfAbsent(key, "initialValue")).isNull();
			assertThat(reader().get(key).get()).isEqualTo("initialValue");
			assertThat(reader().putIfAbsent(key, "anotherValue").get()).isEqualTo("initialValue");
			assertThat(writer().get(key).get()).isEqualTo("initialValue");
			assertThat(reader().get(key).get()).isEqualTo("initialValue");
		}

		@Test
		void evictRemovesTheKey() {
			String key = randomKey();
			writer().put(key, "george");
			assertThat(reader().get(key).get()).isEqualTo("george");
			writer().evict(key);
			eventually(() -> assertThat(reader().get(key)).isNull());
			assertThat(writer().get(key)).isNull();
		}

		@Test
		void clearRemovesEveryKey() {
			assertThat(reader().get("enescu")).isNull();
			writer().put("enescu", "george");
			assertThat(reader().get("vlaicu")).isNull();
			writer().put("vlaicu", "aurel");
			assertThat(reader().get("enescu").get()).isEqualTo("george");
			writer().clear();
			eventually(() -> {
				assertThat(reader().get("vlaicu")).isNull();
				assertThat(reader().get("enescu")).isNull();
			});
		}

		@Test
		void getWithLoaderStoresTheLoadedValue() {
			getWithLoaderStores("test");
		}

		@Test
		void getWithLoaderStoresALoadedNull() {
			getWithLoaderStores(null);
		}

		private void getWithLoaderStores(@Nullable Object returnValue) {
			String key = randomKey();
			assertThat(reader().get(key)).isNull();
			assertThat(writer().<Object>get(key, () -> returnValue)).isEqualTo(returnValue);
			assertThat(writer().get(key).get()).isEqualTo(returnValue);
			assertThat(reader().get(key).get()).isEqualTo(returnValue);
		}

		@Test
		void getWithLoaderOfAStoredValueDoesNotCallTheLoader() {
			getWithLoaderOfAStoredValue("existing");
		}

		@Test
		void getWithLoaderOfAStoredNullDoesNotCallTheLoader() {
			getWithLoaderOfAStoredValue(null);
		}

		private void getWithLoaderOfAStoredValue(@Nullable Object initialValue) {
			String key = randomKey();
			writer().put(key, initialValue);
			Object value = reader().get(key, () -> {
				throw new IllegalStateException("Should not have been invoked");
			});
			assertThat(value).isEqualTo(initialValue);
		}

		@Test
		void getWithFailingLoaderThrowsValueRetrievalExceptionWithTheCause() {
			String key = randomKey();
			assertThat(reader().get(key)).isNull();
			assertThatExceptionOfType(ValueRetrievalException.class).isThrownBy(() -> writer().get(key, () -> {
				throw new UnsupportedOperationException("Expected exception");
			})).withCauseExactlyInstanceOf(UnsupportedOperationException.class);
			assertThat(reader().get(key)).isNull();
		}

		@Test
		void concurrentGetsWithLoaderCallTheLoaderOnce() throws Exception {
			String key = randomKey();
			AtomicInteger counter = new AtomicInteger();
			AtomicInteger callers = new AtomicInteger();
			List<Future<Integer>> results = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				Cache cache = (i % 2 == 0) ? writer() : reader();
				results.add(TierCacheSpringCacheContractTests.this.threads.submit(() -> {
					callers.incrementAndGet();
					return cache.get(key, () -> {
						// Overlap every caller with this load, without a sleep.
						await().atMost(Duration.ofSeconds(10)).until(() -> callers.get() == 10);
						return counter.incrementAndGet();
					});
				}));
			}
			for (Future<Integer> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).as("only one loader ran").isEqualTo(1);
			}
			assertThat(counter).hasValue(1);
		}

		// Spring Data Redis RedisCacheTests

		@Test
		void putAddsAnEntryToRedis() {
			writer().put("key-1", new Person("calmity", LocalDate.of(2017, 1, 1)));
			assertThat(redis.command("EXISTS", KEYS.entry(CACHE_NAME, "key-1"))).isEqualTo(1L);
			assertThat(reader().get("key-1").get()).isEqualTo(new Person("calmity", LocalDate.of(2017, 1, 1)));
		}

		@Test
		void putOfNullAddsAnEntryForTheNullValue() {
			writer().put("key-1", null);
			assertThat(redis.command("EXISTS", KEYS.entry(CACHE_NAME, "key-1"))).isEqualTo(1L);
			assertThat(reader().get("key-1")).isNotNull().extracting(ValueWrapper::get).isNull();
		}

		@Test
		void putIfAbsentAddsAnEntryIfThereIsNone() {
			Person sample = sample();
			assertThat(writer().putIfAbsent("key-1", sample)).isNull();
			assertThat(redis.command("EXISTS", KEYS.entry(CACHE_NAME, "key-1"))).isEqualTo(1L);
			assertThat(reader().get("key-1").get()).isEqualTo(sample);
		}

		@Test
		void putIfAbsentOfNullAddsAnEntryForTheNullValueIfThereIsNone() {
			assertThat(writer().putIfAbsent("key-1", null)).isNull();
			assertThat(reader().get("key-1")).isNotNull().extracting(ValueWrapper::get).isNull();
		}

		@Test
		void putIfAbsentReturnsTheExistingValueAndKeepsIt() {
			Person sample = sample();
			writer().put("key-1", sample);
			ValueWrapper result = reader().putIfAbsent("key-1", "this-should-not-be-set");
			assertThat(result).isNotNull().extracting(ValueWrapper::get).isEqualTo(sample);
			assertThat(writer().get("key-1").get()).isEqualTo(sample);
		}

		@Test
		void putIfAbsentReturnsAnExistingNullAndKeepsIt() {
			writer().put("key-1", null);
			ValueWrapper result = reader().putIfAbsent("key-1", "this-should-not-be-set");
			assertThat(result).isNotNull().extracting(ValueWrapper::get).isNull();
			assertThat(writer().get("key-1")).isNotNull().extracting(ValueWrapper::get).isNull();
		}

		@Test
		void getReturnsTheStoredEntry() {
			Person sample = sample();
			writer().put("key-1", sample);
			assertThat(reader().get("key-1")).isNotNull().extracting(ValueWrapper::get).isEqualTo(sample);
		}

		@Test
		void getOfAMissingKeyReturnsNull() {
			assertThat(reader().get("key-1")).isNull();
		}

		@Test
		void getOfAStoredNullReturnsAWrapperOfNull() {
			writer().put("key-1", null);
			assertThat(reader().get("key-1")).isNotNull().extracting(ValueWrapper::get).isNull();
		}

		@Test
		void getWithLoaderOfAStoredNullReturnsNull() {
			writer().put("key-1", null);
			Object result = reader().get("key-1", () -> {
				throw new IllegalStateException();
			});
			assertThat(result).isNull();
		}

		@Test
		void getWithLoaderLoadsOnceThenReturnsTheStoredValue() {
			Person sample = sample();
			AtomicInteger counter = new AtomicInteger();
			assertThat(writer().get("key-1", () -> {
				counter.incrementAndGet();
				return sample;
			})).isEqualTo(sample);
			assertThat(reader().get("key-1", () -> {
				counter.incrementAndGet();
				return sample;
			})).isEqualTo(sample);
			assertThat(counter).hasValue(1);
		}

		@Test
		void getWithLoaderOfAMissingKeyStoresTheValueInRedis() {
			Person sample = sample();
			assertThat(writer().get("key-1", () -> sample)).isEqualTo(sample);
			assertThat(redis.command("EXISTS", KEYS.entry(CACHE_NAME, "key-1"))).isEqualTo(1L);
			assertThat(reader().get("key-1").get()).isEqualTo(sample);
		}

		@Test
		void getWithLoaderOfAStoredNullKeepsItAndDoesNotCallTheLoader() {
			writer().put("key-1", null);
			reader().get("key-1", () -> {
				throw new IllegalStateException("Why call the value loader when we've got a cache entry");
			});
			assertThat(writer().get("key-1")).isNotNull().extracting(ValueWrapper::get).isNull();
		}

		@Test
		void evictRemovesTheKeyAndNoOther() {
			writer().put("key-1", null);
			writer().put("other", "value");
			assertThat(reader().get("key-1")).isNotNull();
			writer().evict("key-1");
			eventually(() -> assertThat(reader().get("key-1")).isNull());
			assertThat(reader().get("other").get()).isEqualTo("value");
			// Dead since the eviction; the read that found it so removed it from Redis.
			assertThat(redis.command("EXISTS", KEYS.entry(CACHE_NAME, "key-1"))).isEqualTo(0L);
		}

		@Test
		void evictIfPresentSaysWhetherTheKeyWasPresent() {
			writer().put("key-1", null);
			writer().put("other", "value");
			assertThat(reader().evictIfPresent("key-1")).isTrue();
			assertThat(reader().evictIfPresent("key-1")).isFalse();
			eventually(() -> assertThat(writer().get("key-1")).isNull());
			assertThat(writer().get("other").get()).isEqualTo("value");
		}

		@Test
		void clearRemovesTheCachesEntriesAndNoOtherCaches() {
			Cache otherCache = TierCacheSpringCacheContractTests.this.first.cacheManager.getCache("other");
			writer().put("key-1", null);
			otherCache.put("key-1", "value");
			writer().clear();
			eventually(() -> assertThat(reader().get("key-1")).isNull());
			assertThat(otherCache.get("key-1").get()).isEqualTo("value");
		}

		@Test
		void invalidateRemovesTheCachesEntriesAndNoOtherCaches() {
			Cache otherCache = TierCacheSpringCacheContractTests.this.first.cacheManager.getCache("other");
			writer().put("key-1", null);
			otherCache.put("key-1", "value");
			assertThat(writer().invalidate()).as("the writer held the entry").isTrue();
			assertThat(writer().get("key-1")).as("immediately").isNull();
			eventually(() -> assertThat(reader().get("key-1")).isNull());
			assertThat(otherCache.get("key-1").get()).isEqualTo("value");
		}

		@Test
		void simpleKeysOfSeveralArgumentsWork() {
			Person sample = sample();
			writer().put(new SimpleKey("param-1", "param-2"), sample);
			assertThat(reader().get(new SimpleKey("param-1", "param-2"))).isNotNull()
				.extracting(ValueWrapper::get)
				.isEqualTo(sample);
		}

		@Test
		void simpleKeysOfOtherArgumentsAreOtherEntries() {
			writer().put(new SimpleKey("param-1", "param-2"), sample());
			assertThat(reader().get(new SimpleKey("param-2", "param-1"))).isNull();
			assertThat(reader().get(SimpleKey.EMPTY)).isNull();
		}

		@Test
		void keysThatAreNeitherValuesNorRecordsAreNeverCached() {
			// Adapted: RedisCacheManager keys these by toString(); nothing says which of
			// their values are equal, so two different keys could share an entry:
			// refused.
			Person sample = sample();
			writer().put(new KeyWithoutToString("calmity", sample.birthdate()), sample);
			assertThat(reader().get(new KeyWithoutToString("calmity", sample.birthdate()))).isNull();
			assertThat(writer().get(new KeyWithoutToString("calmity", sample.birthdate()), () -> "loaded"))
				.isEqualTo("loaded");
			assertThat(writer().get(new KeyWithoutToString("calmity", sample.birthdate()))).isNull();
		}

		@Test
		void complexKeysWork() {
			Person sample = sample();
			writer().put(new ComplexKey("calmity", sample.birthdate()), sample);
			assertThat(reader().get(new ComplexKey("calmity", sample.birthdate()))).isNotNull()
				.extracting(ValueWrapper::get)
				.isEqualTo(sample);
		}

		@Test
		void keysThatCannotBeRenderedAreNeverCachedAndNothingIsThrown() {
			Person sample = sample();
			writer().put(new UnrenderableKey(), sample);
			assertThat(reader().get(new UnrenderableKey())).isNull();
			assertThat(writer().get(SimpleKeyGenerator.generateKey(List.of(new UnrenderableKey())))).isNull();
			assertThat(writer().get(new UnrenderableKey(), () -> "loaded")).isEqualTo("loaded");
			assertThat(writer().get(new UnrenderableKey())).isNull();
		}

		@Test
		void listKeysOfSimpleValuesWork() {
			Person sample = sample();
			writer().put(SimpleKeyGenerator.generateKey(Collections.singletonList("my-cache-key-in-a-list")), sample);
			assertThat(reader().get(SimpleKeyGenerator.generateKey(Collections.singletonList("my-cache-key-in-a-list")))
				.get()).isEqualTo(sample);
		}

		@Test
		void arrayKeysOfSimpleValuesWork() {
			Person sample = sample();
			writer().put(SimpleKeyGenerator.generateKey("my-cache-key-in-an-array"), sample);
			assertThat(reader().get(SimpleKeyGenerator.generateKey("my-cache-key-in-an-array")).get())
				.isEqualTo(sample);
		}

		@Test
		void listKeysOfComplexValuesWork() {
			Person sample = sample();
			Object key = SimpleKeyGenerator
				.generateKey(Collections.singletonList(new ComplexKey("calmity", sample.birthdate())));
			writer().put(key, sample);
			assertThat(reader()
				.get(SimpleKeyGenerator
					.generateKey(Collections.singletonList(new ComplexKey("calmity", sample.birthdate()))))
				.get()).isEqualTo(sample);
		}

		@Test
		void mapKeysWork() {
			Person sample = sample();
			writer().put(
					SimpleKeyGenerator.generateKey(
							Collections.singletonMap("map-key", new ComplexKey("calmity", sample.birthdate()))),
					sample);
			assertThat(reader()
				.get(SimpleKeyGenerator
					.generateKey(Collections.singletonMap("map-key", new ComplexKey("calmity", sample.birthdate()))))
				.get()).isEqualTo(sample);
		}

		@Test
		void retrieveReturnsTheStoredValue() throws Exception {
			Person sample = sample();
			writer().put("key-1", sample);
			CompletableFuture<?> value = reader().retrieve("key-1");
			assertThat(value).isNotNull();
			assertThat(value.get(5, TimeUnit.SECONDS)).isInstanceOf(ValueWrapper.class);
			assertThat(((ValueWrapper) value.get()).get()).isEqualTo(sample);
			assertThat(value).isDone();
		}

		@Test
		void retrieveReturnsAStoredNullAsAWrapperOfNull() throws Exception {
			writer().put("key-1", null);
			CompletableFuture<?> value = reader().retrieve("key-1");
			assertThat(value).isNotNull();
			ValueWrapper wrapper = (ValueWrapper) value.get(5, TimeUnit.SECONDS);
			assertThat(wrapper).isNotNull();
			assertThat(wrapper.get()).isNull();
		}

		@Test
		void retrieveWithLoaderReturnsTheLoadedValue() throws Exception {
			AtomicInteger loads = new AtomicInteger();
			Person jon = new Person("Jon", LocalDate.of(2000, 1, 1));
			CompletableFuture<Person> value = writer().retrieve("key-1", () -> {
				loads.incrementAndGet();
				return CompletableFuture.completedFuture(jon);
			});
			assertThat(value.get(5, TimeUnit.SECONDS)).isEqualTo(jon);
			assertThat(loads).hasValue(1);
			assertThat(value).isDone();
		}

		@Test
		void retrieveWithLoaderStoresTheLoadedValue() throws Exception {
			Person jon = new Person("Jon", LocalDate.of(2000, 1, 1));
			writer().retrieve("key-1", () -> CompletableFuture.completedFuture(jon)).get(5, TimeUnit.SECONDS);
			assertThat(redis.command("EXISTS", KEYS.entry(CACHE_NAME, "key-1"))).isEqualTo(1L);
			CompletableFuture<Person> again = reader().retrieve("key-1", () -> {
				throw new IllegalStateException("Should not have been invoked");
			});
			assertThat(again.get(5, TimeUnit.SECONDS)).isEqualTo(jon);
		}

		@Test
		void retrieveOfAStoredNullThenOfAnEvictedKey() throws Exception {
			writer().put("key-1", null);
			CompletableFuture<?> value = reader().retrieve("key-1");
			assertThat(value).isNotNull();
			assertThat(((ValueWrapper) value.get(5, TimeUnit.SECONDS)).get()).isNull();
			writer().evict("key-1");
			eventually(() -> {
				CompletableFuture<?> evicted = reader().retrieve("key-1");
				assertThat(evicted).isNotNull();
				assertThat(evicted.get(5, TimeUnit.SECONDS)).isNull();
			});
		}

	}

	@Nested
	class OnOneInstance extends Expectations {

		@Override
		Cache writer() {
			return TierCacheSpringCacheContractTests.this.first.cacheManager.getCache(CACHE_NAME);
		}

		@Override
		Cache reader() {
			return writer();
		}

	}

	@Nested
	class AcrossTwoInstances extends Expectations {

		@Override
		Cache writer() {
			return TierCacheSpringCacheContractTests.this.first.cacheManager.getCache(CACHE_NAME);
		}

		@Override
		Cache reader() {
			return secondInstance().cacheManager.getCache(CACHE_NAME);
		}

		@Test
		void invalidateDoesNotCountEntriesOnlyTheOtherInstanceHeld() {
			writer().put("key-1", "value");
			assertThat(reader().invalidate()).as("the reader held nothing").isFalse();
			eventually(() -> assertThat(writer().get("key-1")).isNull());
			assertThat(reader().get("key-1")).isNull();
		}

	}

	private BridgeFixture secondInstance() {
		if (this.second == null) {
			this.second = new BridgeFixture(redis, StoreObserver.NONE, true);
		}
		return this.second;
	}

	private static String randomKey() {
		return UUID.randomUUID().toString();
	}

	private static Person sample() {
		return new Person("calmity", LocalDate.of(2017, 1, 1));
	}

	private static void eventually(ThrowingRunnable assertion) {
		await().atMost(DELIVERY).untilAsserted(assertion);
	}

	record Person(String firstname, LocalDate birthdate) implements Serializable {
	}

	/** A key with fields and {@code equals}, but the default {@code toString()}. */
	static final class KeyWithoutToString implements Serializable {

		private final String firstname;

		private final LocalDate birthdate;

		KeyWithoutToString(String firstname, LocalDate birthdate) {
			this.firstname = firstname;
			this.birthdate = birthdate;
		}

		public String getFirstname() {
			return this.firstname;
		}

		public LocalDate getBirthdate() {
			return this.birthdate;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof KeyWithoutToString key && this.firstname.equals(key.firstname)
					&& this.birthdate.equals(key.birthdate);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.firstname, this.birthdate);
		}

	}

	record ComplexKey(String firstname, LocalDate birthdate) implements Serializable {
	}

	/** A key that no renderer can turn into text: reading it fails. */
	static final class UnrenderableKey implements Serializable {

		public String getName() {
			throw new IllegalStateException("Not renderable");
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof UnrenderableKey;
		}

		@Override
		public int hashCode() {
			return 1;
		}

	}

}
