package io.tiercache.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.redis.CircuitBreaker;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Content under tiercache's keys that tiercache did not write (another service, a script,
 * a person with access to Redis) costs a miss of the entry it touches: it never stops
 * Redis, never counts as Redis failing and never reaches the caller.
 */
class HostileRedisContentIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = RedisServerExtension.embedded();

	private static final String ENTRY = "{tc:v1}:e:products:1";

	private final List<StoreFixture> fixtures = new ArrayList<>();

	private final AtomicInteger loads = new AtomicInteger();

	private StoreFixture store;

	private TieredCache cache;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.store = new StoreFixture(redis);
		this.fixtures.add(this.store);
		this.cache = this.store.cache("products", String.class);
	}

	@AfterEach
	void tearDown() {
		this.fixtures.forEach(StoreFixture::close);
	}

	@Test
	void anEntryWhoseTagLengthsLieIsAMissAndRedisKeepsAnswering() throws Throwable {
		assertThat(read(2)).isEqualTo("product 2");
		String epoch = (String) redis.command("HGET", "{tc:v1}:seq", "epoch");
		// A billion tags of length -3: parsed as written, each one steps back onto
		// itself, and
		// the planted record of the empty tag keeps the loop going
		redis.command("SET", "{tc:v1}:t:", "0");
		redis.command("SET", ENTRY, "1\n" + epoch + "\n1\n0\n0\n0\n0\n1000000000\n-3\n");
		assertThat(read(1)).isEqualTo("product 1");
		assertThat(this.loads).hasValue(2);
		assertThat(redis.command("PING")).isEqualTo("PONG");
		assertThat(this.store.redis.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
		redis.command("SET", ENTRY, "1\n" + epoch + "\n1\n0\n0\n0\n0\n1\n99999\nx");
		this.store.store.clearLocal();
		assertThat(read(1)).as("a length beyond the entry").isEqualTo("product 1");
		assertThat(this.loads).hasValue(3);
	}

	@Test
	void aTagRecordThatIsNotANumberMakesItsEntriesMissAndNothingElse() throws Throwable {
		assertThat(read(1)).isEqualTo("product 1");
		assertThat(read(2)).isEqualTo("product 2");
		for (int i = 0; i < 5; i++) {
			redis.command("SET", "{tc:v1}:t:product:1", "not a number");
			this.store.store.clearLocal();
			assertThat(read(2)).isEqualTo("product 2");
			assertThat(read(1)).isEqualTo("product 1");
		}
		assertThat(this.store.redis.breaker().state()).as("not Redis failing").isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.store.trust.trusted()).isTrue();
		assertThat(this.loads).as("product 1 each time, product 2 once").hasValue(7);
		assertThat(this.cache.getLocal(2L)).isEqualTo("product 2");
	}

	@Test
	void aSequenceThatIsNotANumberStartsANewEpochInsteadOfFailing() throws Throwable {
		assertThat(read(1)).isEqualTo("product 1");
		redis.command("HSET", "{tc:v1}:seq", "n", "not a number");
		this.store.store.clearLocal();
		assertThat(read(1)).isEqualTo("product 1");
		this.store.store.invalidate(List.of("product:1"));
		assertThat(this.store.store.pendingInvalidations()).isZero();
		assertThat((String) redis.command("HGET", "{tc:v1}:seq", "n")).containsOnlyDigits();
		assertThat(this.store.redis.currentSequence()).isNotNull();
		assertThat(this.store.redis.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void anEntryLargerThanAnyThisStoreWritesIsRemovedUnread() throws Throwable {
		StoreFixture small = new StoreFixture(redis, (options) -> options.maxValueBytes(1024));
		this.fixtures.add(small);
		this.cache = small.cache("products", String.class);
		assertThat(read(2)).isEqualTo("product 2");
		redis.command("SET", ENTRY, "x".repeat(256 * 1024));
		assertThat(read(1)).isEqualTo("product 1");
		assertThat(this.loads).hasValue(2);
		assertThat(small.redis.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void anEntryKeyHoldingAnotherTypeIsAMissNotAnError() throws Throwable {
		redis.command("HSET", ENTRY, "field", "value");
		assertThat(read(1)).isEqualTo("product 1");
		this.store.store.clearLocal();
		assertThat(read(1)).as("stored over it").isEqualTo("product 1");
		assertThat(this.loads).hasValue(1);
		assertThat(this.store.redis.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	private Object read(long id) throws Throwable {
		Object local = this.cache.getLocal(id);
		if (local != TieredCache.MISS) {
			return local;
		}
		return this.cache.get(id, StoreFixture.load(() -> {
			this.loads.incrementAndGet();
			return "product " + id;
		}, "product:" + id));
	}

}
