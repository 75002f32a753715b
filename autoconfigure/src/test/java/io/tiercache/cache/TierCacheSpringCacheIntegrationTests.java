package io.tiercache.cache;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.store.CacheObserver;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import io.tiercache.store.StoreObserver;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueRetrievalException;
import org.springframework.cache.Cache.ValueWrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour Spring expects of a {@link Cache}, on {@link TierCacheSpringCache}
 * against a real Redis, and across two instances sharing it.
 */
class TierCacheSpringCacheIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

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
		this.first.close();
		this.second.close();
	}

	@Test
	void exposesNameNativeCacheAndCacheNames() {
		assertThat(this.cache.getName()).isEqualTo("books");
		assertThat(this.cache.getNativeCache()).isSameAs(this.first.store.caches().get("books"));
		assertThat(this.first.cacheManager.getCache("books")).isSameAs(this.cache);
		assertThat(this.first.cacheManager.getCacheNames()).containsExactly("books");
	}

	@Test
	void getOfAMissingKeyIsNull() {
		assertThat(this.cache.get("nothing")).isNull();
		assertThat(this.cache.get("nothing", String.class)).isNull();
	}

	@Test
	void putThenGetFromThisAndAnotherInstance() {
		this.cache.put("k", new Book("Dune", 1965));
		assertThat(this.cache.get("k").get()).isEqualTo(new Book("Dune", 1965));
		assertThat(this.cache.get("k", Book.class)).isEqualTo(new Book("Dune", 1965));
		assertThat(other().get("k", Book.class)).isEqualTo(new Book("Dune", 1965));
	}

	@Test
	void getWithTheWrongTypeFails() {
		this.cache.put("k", "text");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.cache.get("k", Integer.class));
	}

	@Test
	void putReplacesTheValueOnEveryInstance() {
		this.cache.put("k", "v1");
		assertThat(other().get("k").get()).isEqualTo("v1");
		this.cache.put("k", "v2");
		assertThat(this.cache.get("k").get()).isEqualTo("v2");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(other().get("k").get()).isEqualTo("v2"));
	}

	@Test
	void valuesSurviveALocalClear() {
		this.cache.put("k", "v");
		this.first.store.clearLocal();
		assertThat(this.cache.get("k").get()).isEqualTo("v");
	}

	@Test
	void nullValuesAreStoredWhenAllowed() {
		this.cache.put("k", null);
		ValueWrapper wrapper = this.cache.get("k");
		assertThat(wrapper).isNotNull();
		assertThat(wrapper.get()).isNull();
		assertThat(other().get("k")).isNotNull().extracting(ValueWrapper::get).isNull();
	}

	@Test
	void nullValuesAreRefusedWhenNotAllowed() {
		try (BridgeFixture strict = new BridgeFixture(redis, StoreObserver.NONE, false)) {
			Cache cache = strict.cacheManager.getCache("strict");
			assertThatIllegalArgumentException().isThrownBy(() -> cache.put("k", null));
			assertThatIllegalArgumentException().isThrownBy(() -> cache.get("k", () -> null));
		}
	}

	@Test
	void getWithLoaderLoadsOnceThenServesTheCachedValue() {
		AtomicInteger loads = new AtomicInteger();
		assertThat(this.cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		assertThat(this.cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		assertThat(other().get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		assertThat(loads).hasValue(1);
	}

	@Test
	void getWithLoaderCachesNull() {
		AtomicInteger loads = new AtomicInteger();
		assertThat(this.cache.<String>get("k", () -> {
			loads.incrementAndGet();
			return null;
		})).isNull();
		assertThat(this.cache.get("k")).isNotNull().extracting(ValueWrapper::get).isNull();
		assertThat(loads).hasValue(1);
	}

	@Test
	void getWithFailingLoaderThrowsValueRetrievalExceptionAndCachesNothing() {
		IllegalStateException failure = new IllegalStateException("boom");
		assertThatExceptionOfType(ValueRetrievalException.class).isThrownBy(() -> this.cache.get("k", () -> {
			throw failure;
		})).withCause(failure);
		assertThat(this.cache.get("k")).isNull();
	}

	@Test
	void putIfAbsentStoresOnlyWhenAbsent() {
		assertThat(this.cache.putIfAbsent("k", "v1")).isNull();
		assertThat(this.cache.putIfAbsent("k", "v2").get()).isEqualTo("v1");
		assertThat(other().putIfAbsent("k", "v3").get()).isEqualTo("v1");
		assertThat(this.cache.get("k").get()).isEqualTo("v1");
	}

	@Test
	void evictRemovesTheKeyOnEveryInstance() {
		this.cache.put("k", "v");
		this.cache.put("other", "w");
		assertThat(other().get("k").get()).isEqualTo("v");
		this.cache.evict("k");
		assertThat(this.cache.get("k")).isNull();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(other().get("k")).isNull());
		assertThat(other().get("other").get()).isEqualTo("w");
	}

	@Test
	void evictIfPresentSaysWhetherTheKeyWasThere() {
		this.cache.put("k", "v");
		assertThat(this.cache.evictIfPresent("k")).isTrue();
		assertThat(this.cache.get("k")).isNull();
		assertThat(this.cache.evictIfPresent("k")).isFalse();
	}

	@Test
	void clearRemovesEveryKeyOnEveryInstanceAndNoOtherCache() {
		Cache others = this.first.cacheManager.getCache("others");
		this.cache.put("a", "1");
		this.cache.put("b", "2");
		others.put("a", "kept");
		assertThat(other().get("a").get()).isEqualTo("1");
		this.cache.clear();
		assertThat(this.cache.get("a")).isNull();
		assertThat(this.cache.get("b")).isNull();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(other().get("a")).isNull());
		assertThat(others.get("a").get()).isEqualTo("kept");
	}

	@Test
	void invalidateIsImmediateAndSaysWhetherThereWereEntries() {
		this.cache.put("a", "1");
		assertThat(this.cache.invalidate()).isTrue();
		assertThat(this.cache.get("a")).isNull();
	}

	@Test
	void invalidateTwiceInARowSaysTheSecondTimeThatNothingWasLeft() {
		this.cache.put("a", "1");
		this.cache.put("b", "2");
		assertThat(this.cache.invalidate()).isTrue();
		assertThat(this.cache.invalidate()).isFalse();
		assertThat(this.cache.get("a")).isNull();
	}

	@Test
	void invalidateDoesNotCountEntriesOnlyAnotherInstanceStored() {
		other().put("a", "1");
		assertThat(this.cache.invalidate()).isFalse();
		assertThat(this.cache.get("a")).isNull();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(other().get("a")).isNull());
	}

	@Test
	void invalidateDoesNotCountEntriesAnEarlierClearAlreadyRemoved() {
		this.cache.put("a", "1");
		this.cache.clear();
		assertThat(this.cache.invalidate()).isFalse();
	}

	@Test
	void retrieveAnswersHitsMissesAndNulls() throws Exception {
		assertThat(this.cache.retrieve("missing")).satisfiesAnyOf((future) -> assertThat(future).isNull(),
				(future) -> assertThat(future.get(5, TimeUnit.SECONDS)).isNull());
		this.cache.put("k", "v");
		this.cache.put("n", null);
		assertThat(((ValueWrapper) this.cache.retrieve("k").get(5, TimeUnit.SECONDS)).get()).isEqualTo("v");
		assertThat(((ValueWrapper) other().retrieve("k").get(5, TimeUnit.SECONDS)).get()).isEqualTo("v");
		assertThat(((ValueWrapper) other().retrieve("n").get(5, TimeUnit.SECONDS)).get()).isNull();
	}

	@Test
	void retrieveWithLoaderLoadsOnceAndPropagatesFailures() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		CompletableFuture<String> first = this.cache.retrieve("k",
				() -> CompletableFuture.completedFuture("v" + loads.incrementAndGet()));
		assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("v1");
		CompletableFuture<String> second = other().retrieve("k",
				() -> CompletableFuture.completedFuture("v" + loads.incrementAndGet()));
		assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(loads).hasValue(1);
		CompletableFuture<String> failed = this.cache.retrieve("bad",
				() -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
		assertThat(failed).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingRootCause().withMessage("boom");
		assertThat(this.cache.get("bad")).isNull();
	}

	@Test
	void unserializableValuesAreNotCached() {
		Object unserializable = new Object();
		this.cache.put("k", unserializable);
		assertThat(this.cache.get("k")).isNull();
		assertThat(this.cache.get("k2", () -> unserializable)).isSameAs(unserializable);
		assertThat(this.cache.get("k2")).isNull();
	}

	@Test
	void classesOutsideTrustedPackagesAreNeverDeserialized() {
		AtomicInteger undecodable = new AtomicInteger();
		CacheObserver counting = new CacheObserver() {

			@Override
			public void remoteUndecodable() {
				undecodable.incrementAndGet();
			}

		};
		try (BridgeFixture third = new BridgeFixture(redis, new StoreObserver() {

			@Override
			public CacheObserver cache(String cacheName) {
				return counting;
			}

		}, true)) {
			// java.awt is not trusted
			this.cache.put("k", new java.awt.Point(1, 2));
			// This instance holds it locally; another must read it from Redis, and refuse
			// it
			assertThat(third.cacheManager.getCache("books").get("k")).isNull();
			assertThat(undecodable).as("the entry reached Redis and was refused there").hasValue(1);
		}
	}

	@Test
	void disabledCacheStoresNothing() {
		TierCacheTemplate template = new TierCacheTemplate(this.first.store,
				(name) -> new CacheSettings(name, Duration.ofMinutes(1), Jitter.NONE, null, true, false));
		Cache disabled = new TierCacheCacheManager(template, new SpringCacheValueCodec(List.of()), true, Runnable::run)
			.getCache("disabled");
		disabled.put("k", "v");
		assertThat(disabled.get("k")).isNull();
		assertThat(disabled.get("k", () -> "loaded")).isEqualTo("loaded");
		assertThat(disabled.get("k")).isNull();
	}

	private Cache other() {
		return this.second.cacheManager.getCache("books");
	}

	record Book(String title, int year) implements Serializable {
	}

}
