package io.tiercache.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.store.StoreObserver;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link TierCacheTemplate} against a real Redis, on two instances sharing it.
 */
class TierCacheTemplateIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private BridgeFixture first;

	private BridgeFixture second;

	private final AtomicInteger loads = new AtomicInteger();

	@BeforeEach
	void createInstances() {
		redis.flushAll();
		this.first = new BridgeFixture(redis, StoreObserver.NONE, true);
		this.second = new BridgeFixture(redis, StoreObserver.NONE, true);
	}

	@AfterEach
	void closeInstances() {
		this.first.close();
		this.second.close();
	}

	@Test
	void getLoadsOnceAcrossInstances() throws Exception {
		assertThat(find(this.first, 1)).isEqualTo("product 1 #1");
		assertThat(find(this.first, 1)).isEqualTo("product 1 #1");
		assertThat(find(this.second, 1)).isEqualTo("product 1 #1");
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void invalidatingATagReloadsOnEveryInstance() throws Exception {
		find(this.first, 1);
		find(this.second, 1);
		this.first.template.invalidate("product:1");
		assertThat(find(this.first, 1)).isEqualTo("product 1 #2");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(find(this.second, 1)).isEqualTo("product 1 #2"));
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void evictRemovesOneKeyEverywhere() throws Exception {
		find(this.first, 1);
		find(this.first, 2);
		find(this.second, 1);
		this.second.template.evict("products", 1L);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(find(this.first, 1)).endsWith("#3"));
		assertThat(find(this.first, 2)).isEqualTo("product 2 #2");
	}

	@Test
	void clearRemovesTheWholeCacheEverywhere() throws Exception {
		find(this.first, 1);
		find(this.first, 2);
		this.second.template.clear("products");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(find(this.first, 1)).endsWith("#3"));
		assertThat(find(this.first, 2)).endsWith("#4");
	}

	@Test
	void clearLocalKeepsRedisEntries() throws Exception {
		find(this.first, 1);
		this.first.template.clearLocal();
		assertThat(this.first.store.caches().get("products").localSize()).isZero();
		assertThat(find(this.first, 1)).isEqualTo("product 1 #1");
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void loaderExceptionsReachTheCallerAndAreNotCached() {
		IllegalStateException failure = new IllegalStateException("boom");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.first.template.get("products", 9L, String.class, () -> {
				throw failure;
			}))
			.isSameAs(failure);
	}

	@Test
	void genericValuesRoundTripThroughRedis() throws Exception {
		ParameterizedTypeReference<List<Integer>> type = new ParameterizedTypeReference<>() {
		};
		assertThat(this.first.template.get("lists", "k", type, () -> List.of(1, 2), List.of())).containsExactly(1, 2);
		assertThat(this.second.template.get("lists", "k", type, () -> List.of(3), List.of())).containsExactly(1, 2);
	}

	@Test
	void aCacheNameIsBoundToOneValueType() throws Exception {
		find(this.first, 1);
		assertThatIllegalStateException()
			.isThrownBy(() -> this.first.template.get("products", 1L, Integer.class, () -> 1));
	}

	private String find(BridgeFixture instance, long id) throws Exception {
		return instance.template.get("products", id, String.class,
				() -> "product " + id + " #" + this.loads.incrementAndGet(), "product:" + id);
	}

}
