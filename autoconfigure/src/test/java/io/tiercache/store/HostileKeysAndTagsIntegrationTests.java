package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.redis.CircuitBreaker;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keys and tags chosen to break whatever turns them into Redis keys, script arguments,
 * envelopes and invalidation messages, on two processes sharing one real Redis: each key
 * is an entry of its own, each tag invalidates exactly the entries carrying it, on both
 * processes, nothing reaches the caller and Redis keeps answering.
 */
class HostileKeysAndTagsIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private static final String TEN_KB = "k".repeat(10 * 1024);

	/** Strings that UTF-8 can encode, each of them distinct. */
	static final List<String> HOSTILE = List.of("", " ", "a b", " a", "a ", "*", "a*", "?", "[a-z]*", "\\*", "{", "}",
			"{a}", "{a}b", "a{b}", ":", "a:b", "::", ":a", "%", "%3A", "%25", "a%3Ab", "\n", "a\nb", "\r\n", "\r", "\t",
			"\u0000", "a\u0000b", "\"", "\\", "\\\"", "\",\"", "{\"v\":1}", "]", "[\"a\"]", "/", "\\/", "~", "~~",
			"~null", "null", "~(\"a\")", "\u00e9", "e\u0301", "\u212b", "\u00c5", "A\u030a", "\ud83d\ude00",
			"\ud834\udd1e", "\ud83d\udc69\u200d\ud83d\udcbb", "\u200d", "\ufeff", "\ufffd", "\u007f", "\u0085",
			"\u2028", "\u202e", TEN_KB, TEN_KB + "x", "\ud83d\ude00{*}:%\n \u0301".repeat(1024));

	private final List<StoreFixture> fixtures = new ArrayList<>();

	private StoreFixture a;

	private StoreFixture b;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.a = fixture();
		this.b = fixture();
	}

	@AfterEach
	void tearDown() {
		this.fixtures.forEach(StoreFixture::close);
	}

	@Test
	void theHostileStringsAreDistinct() {
		assertThat(HOSTILE).doesNotHaveDuplicates();
	}

	@Test
	void eachHostileKeyIsAnEntryOfItsOwnOnEveryProcess() throws Throwable {
		TieredCache cacheA = textKeyed(this.a);
		TieredCache cacheB = textKeyed(this.b);
		Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
		for (String key : HOSTILE) {
			assertThat(read(cacheA, key, loads)).isEqualTo(valueOf(key));
		}
		for (String key : HOSTILE) {
			assertThat(read(cacheB, key, loads)).as("another process, from Redis").isEqualTo(valueOf(key));
			assertThat(cacheA.getLocal(key)).as("the first process, locally").isEqualTo(valueOf(key));
			assertThat(cacheB.getLocal(key)).isEqualTo(valueOf(key));
		}
		assertThat(loads).allSatisfy((key, count) -> assertThat(count).as("loads of %s", printable(key)).hasValue(1));
		assertThat(redis.command("DBSIZE")).as("one entry per key, the sequence and the layout")
			.isEqualTo((long) HOSTILE.size() + 2);
		assertRedisAndBothProcessesAreFine();
	}

	@Test
	void eachHostileTagInvalidatesExactlyTheEntriesCarryingItOnEveryProcess() throws Throwable {
		TieredCache cacheA = this.a.cache("tagged", String.class);
		TieredCache cacheB = this.b.cache("tagged", String.class);
		List<Integer> versions = new ArrayList<>(Collections.nCopies(HOSTILE.size(), 0));
		for (int i = 0; i < HOSTILE.size(); i++) {
			assertThat(readTagged(cacheA, i, versions)).isEqualTo(i + "@0");
			assertThat(readTagged(cacheB, i, versions)).isEqualTo(i + "@0");
		}
		int received = this.b.fanout.received.get();
		for (int i = 0; i < HOSTILE.size(); i++) {
			versions.set(i, versions.get(i) + 1);
			this.a.store.invalidate(List.of(HOSTILE.get(i)));
			int expected = received + i + 1;
			await().atMost(Duration.ofSeconds(5)).until(() -> this.b.fanout.received.get() >= expected);
			for (int j = 0; j < HOSTILE.size(); j++) {
				long key = j;
				String tag = printable(HOSTILE.get(j));
				if (j == i) {
					assertThat(cacheA.getLocal(key)).as("invalidated by %s", tag).isSameAs(TieredCache.MISS);
					assertThat(cacheB.getLocal(key)).as("invalidated by %s", tag).isSameAs(TieredCache.MISS);
				}
				else {
					String current = j + "@" + versions.get(j);
					assertThat(cacheA.getLocal(key)).as("untouched by %s", printable(HOSTILE.get(i)))
						.isEqualTo(current);
					assertThat(cacheB.getLocal(key)).as("untouched by %s", printable(HOSTILE.get(i)))
						.isEqualTo(current);
				}
			}
			assertThat(readTagged(cacheA, i, versions)).isEqualTo(i + "@" + versions.get(i));
			assertThat(readTagged(cacheB, i, versions)).isEqualTo(i + "@" + versions.get(i));
		}
		assertRedisAndBothProcessesAreFine();
	}

	@Test
	void oneInvalidationOfManyLargeTagsReachesEveryProcess() throws Throwable {
		TieredCache cacheA = this.a.cache("tagged", String.class);
		TieredCache cacheB = this.b.cache("tagged", String.class);
		int count = 300;
		List<String> tags = new ArrayList<>();
		List<Integer> versions = new ArrayList<>(Collections.nCopies(count, 0));
		for (int i = 0; i < count; i++) {
			tags.add(i + ":" + "\n".repeat(10 * 1024));
		}
		for (int i = 0; i < count; i++) {
			assertThat(read(cacheA, i, tags.get(i), versions)).isEqualTo(i + "@0");
			assertThat(read(cacheB, i, tags.get(i), versions)).isEqualTo(i + "@0");
		}
		for (int i = 0; i < count; i++) {
			versions.set(i, 1);
		}
		// 3 MB of tags, 6 MB as JSON: more than one message may carry.
		this.a.store.invalidate(tags);
		for (int i = 0; i < count; i++) {
			assertThat(cacheA.getLocal((long) i)).isSameAs(TieredCache.MISS);
		}
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			for (int i = 0; i < count; i++) {
				assertThat(cacheB.getLocal((long) i)).as("entry %d on the other process", i).isSameAs(TieredCache.MISS);
			}
		});
		assertThat(this.b.fanout.malformed).as("delivered, not dropped as too large").hasValue(0);
		for (int i = 0; i < count; i++) {
			assertThat(read(cacheB, i, tags.get(i), versions)).isEqualTo(i + "@1");
		}
		assertRedisAndBothProcessesAreFine();
	}

	@Test
	void aKeyUtf8CannotEncodeIsRefusedAndCountedNeverSharingTheEntryOfAnother() throws Throwable {
		// Java writes an unpaired surrogate as '?' in UTF-8: each of these would be "?".
		List<String> keys = List.of("?", "\ud800", "\udbff", "\udc00\ud800", "?a", "\udfffa");
		Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
		TieredCache cacheA = textKeyed(this.a);
		TieredCache cacheB = textKeyed(this.b);
		for (String key : keys) {
			assertThat(read(cacheA, key, keys, loads)).isEqualTo("value " + keys.indexOf(key));
		}
		for (String key : keys) {
			assertThat(read(cacheB, key, keys, loads)).as("another process").isEqualTo("value " + keys.indexOf(key));
			assertThat(read(cacheA, key, keys, loads)).isEqualTo("value " + keys.indexOf(key));
		}
		assertThat(loads.get("?")).as("a key UTF-8 encodes is cached").hasValue(1);
		assertThat(loads.get("?a")).hasValue(1);
		assertThat(loads.get("\ud800")).as("one it cannot goes uncached, every time").hasValue(3);
		assertThat(this.a.events.notCachedFor(CacheObserver.NotCachedReason.UNSERIALIZABLE)).isEqualTo(8);
		assertThat(this.b.events.notCachedFor(CacheObserver.NotCachedReason.UNSERIALIZABLE)).isEqualTo(4);
		assertRedisAndBothProcessesAreFine();
	}

	@Test
	void aTagUtf8CannotEncodeOrTooLongIsRefusedAndCountedNeverSharingTheInvalidationsOfAnother() throws Throwable {
		String tooLong = "t".repeat(RedisText.MAX_TAG_BYTES + 1);
		List<String> tags = List.of("?", "\ud800", "\udc00\ud800", "t".repeat(RedisText.MAX_TAG_BYTES), tooLong,
				"\u00e9".repeat(RedisText.MAX_TAG_BYTES / 2 + 1));
		TieredCache cacheA = this.a.cache("tagged", String.class);
		TieredCache cacheB = this.b.cache("tagged", String.class);
		List<Integer> versions = new ArrayList<>(Collections.nCopies(tags.size(), 0));
		// Loaded by the process that does not invalidate, so that its local entries hold
		// the tags as the application gave them.
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < tags.size(); i++) {
				assertThat(read(cacheB, i, tags.get(i), versions)).isEqualTo(i + "@0");
				assertThat(read(cacheA, i, tags.get(i), versions)).isEqualTo(i + "@0");
			}
		}
		for (int i = 0; i < tags.size(); i++) {
			versions.set(i, 1);
		}
		this.a.store.invalidate(tags);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.fanout.received.get() >= 1);
		for (int i = 0; i < tags.size(); i++) {
			assertThat(read(cacheB, i, tags.get(i), versions)).as("tag %s", printable(tags.get(i))).isEqualTo(i + "@1");
			assertThat(read(cacheA, i, tags.get(i), versions)).as("tag %s", printable(tags.get(i))).isEqualTo(i + "@1");
		}
		assertThat(this.a.events.notCachedFor(CacheObserver.NotCachedReason.UNSTORABLE_TAG))
			.as("each refused tag, each time")
			.isEqualTo(3 * 4);
		assertThat(this.b.events.notCachedFor(CacheObserver.NotCachedReason.UNSTORABLE_TAG)).isEqualTo(3 * 4);
		assertThat(this.a.events.refusedTags).as("refused and counted, never sent as another tag").hasValue(4);
		assertRedisAndBothProcessesAreFine();
	}

	@Test
	void aKeyOfAMegabyteIsAnEntryOfItsOwn() throws Throwable {
		List<String> keys = List.of("m".repeat(1024 * 1024), "m".repeat(1024 * 1024 - 1) + "n");
		Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
		for (String key : keys) {
			assertThat(read(textKeyed(this.a), key, keys, loads)).isEqualTo("value " + keys.indexOf(key));
		}
		for (String key : keys) {
			assertThat(read(textKeyed(this.b), key, keys, loads)).isEqualTo("value " + keys.indexOf(key));
		}
		assertThat(loads).allSatisfy((key, count) -> assertThat(count).hasValue(1));
		assertRedisAndBothProcessesAreFine();
	}

	@Test
	void anEntryWhoseTagsTakeItPastWhatAReadReturnsIsNotStoredAndCounted() throws Throwable {
		StoreFixture small = new StoreFixture(redis, (options) -> options.maxValueBytes(1024), true);
		this.fixtures.add(small);
		TieredCache cache = small.cache("tagged", String.class);
		List<String> tags = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			tags.add(i + "t".repeat(10 * 1024));
		}
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 2; i++) {
			cache.get(1L, StoreFixture.load(() -> "v" + loads.incrementAndGet(), tags.toArray(String[]::new)));
		}
		assertThat(loads).hasValue(2);
		assertThat(small.events.notCachedFor(CacheObserver.NotCachedReason.TOO_LARGE)).isEqualTo(2);
		assertThat(redis.command("EXISTS", "{tc:v1}:e:tagged:1")).isEqualTo(0L);
	}

	private void assertRedisAndBothProcessesAreFine() {
		assertThat(redis.command("PING")).isEqualTo("PONG");
		for (StoreFixture fixture : List.of(this.a, this.b)) {
			assertThat(fixture.redis.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(fixture.trust.trusted()).isTrue();
			assertThat(fixture.fanout.malformed).as("no message dropped as malformed").hasValue(0);
			assertThat(fixture.store.pendingInvalidations()).isZero();
		}
	}

	private StoreFixture fixture() {
		// Checks far enough apart that a loaded machine's delivery lag is not taken for
		// a loss.
		StoreFixture fixture = new StoreFixture(new RedisStandaloneConfiguration(redis.host(), redis.port()),
				(options) -> options, Duration.ofMillis(500));
		this.fixtures.add(fixture);
		return fixture;
	}

	private static TieredCache textKeyed(StoreFixture fixture) {
		return fixture.store.cache(new CacheSettings("hostile", Duration.ofMinutes(10), Jitter.NONE, null, true, true),
				String.class, KeyRenderer.single(KeyRenderer.forType(String.class)));
	}

	private static Object read(TieredCache cache, String key, Map<String, AtomicInteger> loads) throws Throwable {
		Object local = cache.getLocal(key);
		if (local != TieredCache.MISS) {
			return local;
		}
		return cache.get(key, StoreFixture.load(() -> {
			loads.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
			return valueOf(key);
		}));
	}

	private static Object read(TieredCache cache, String key, List<String> keys, Map<String, AtomicInteger> loads)
			throws Throwable {
		Object local = cache.getLocal(key);
		if (local != TieredCache.MISS) {
			return local;
		}
		return cache.get(key, StoreFixture.load(() -> {
			loads.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
			return "value " + keys.indexOf(key);
		}));
	}

	private static String valueOf(String key) {
		return "value of key " + HOSTILE.indexOf(key);
	}

	private static Object readTagged(TieredCache cache, int i, List<Integer> versions) throws Throwable {
		return read(cache, i, HOSTILE.get(i), versions);
	}

	private static Object read(TieredCache cache, long key, String tag, List<Integer> versions) throws Throwable {
		Object local = cache.getLocal(key);
		if (local != TieredCache.MISS) {
			return local;
		}
		return cache.get(key, StoreFixture.load(() -> key + "@" + versions.get((int) key), tag));
	}

	/**
	 * For messages: the start of a tag or key, with what would garble a report escaped.
	 */
	static String printable(String text) {
		return RedisText.excerpt(text);
	}

}
