package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.benmanes.caffeine.cache.Ticker;
import io.tiercache.redis.RedisTier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TagInvalidations}' queue of invalidations that could not reach Redis,
 * with a publisher the test controls: retries, wake-ups, and what closing does with what
 * is left.
 */
class TagInvalidationsTests {

	private final LocalTrust trust = new LocalTrust(new TagTable(), Ticker.systemTicker(),
			StoreOptions.DEFAULT_LOCAL_MAX_UNCONFIRMED);

	private final AtomicBoolean redisUp = new AtomicBoolean();

	private final List<List<String>> published = new CopyOnWriteArrayList<>();

	private final AtomicInteger attempts = new AtomicInteger();

	private final AtomicInteger dropped = new AtomicInteger();

	private final StoreObserver observer = new StoreObserver() {

		@Override
		public void invalidationDropped() {
			TagInvalidationsTests.this.dropped.incrementAndGet();
		}

	};

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	@Test
	void aWakeUpDuringARetryIsNotLostToTheBackoff() throws Exception {
		CountDownLatch retryStarted = new CountDownLatch(1);
		CountDownLatch releaseRetry = new CountDownLatch(1);
		// A 10 s backoff: only a wake-up can make the next attempt come sooner.
		TagInvalidations invalidations = new TagInvalidations((tags) -> {
			int attempt = this.attempts.incrementAndGet();
			if (attempt == 2) {
				// The first retry: Redis answers someone else meanwhile, then this
				// attempt
				// fails.
				retryStarted.countDown();
				awaitLatch(releaseRetry);
				return null;
			}
			return publish(tags);
		}, this.trust, this.observer, 10_000);
		invalidations.invalidate(List.of("product:1"));
		assertThat(invalidations.size()).isOne();
		// The first retry comes after the initial delay; make it come now.
		invalidations.retrySoon();
		assertThat(retryStarted.await(5, TimeUnit.SECONDS)).isTrue();
		this.redisUp.set(true);
		invalidations.retrySoon();
		releaseRetry.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.published.size() == 1);
		assertThat(invalidations.size()).isZero();
		invalidations.close(Duration.ZERO);
	}

	@Test
	void aRetrysOwnSuccessDoesNotRescheduleIt() {
		this.redisUp.set(true);
		TagInvalidations invalidations = new TagInvalidations((tags) -> {
			List<RedisTier.Invalidated> sequence = publish(tags);
			this.attempts.incrementAndGet();
			return sequence;
		}, this.trust, this.observer, 10);
		invalidations.invalidate(List.of("product:1"));
		invalidations.retrySoon();
		assertThat(this.attempts).hasValue(1);
		assertThat(invalidations.size()).isZero();
		invalidations.close(Duration.ZERO);
	}

	@Test
	void aRetryRedisAnsweredButDidNotCompleteIsNotWokenByOtherCallsSuccesses() throws Exception {
		// Redis runs it but no replica acknowledges it, again and again, while the
		// application's other calls keep succeeding.
		Duration busy = Duration.ofSeconds(1);
		TagInvalidations invalidations = new TagInvalidations((tags) -> null, (tags) -> {
			this.attempts.incrementAndGet();
			return null;
		}, () -> true, this.trust, this.observer, 100);
		invalidations.invalidate(List.of("product:1"));
		long end = System.nanoTime() + busy.toNanos();
		while (System.nanoTime() - end < 0) {
			invalidations.retrySoon();
			TimeUnit.MILLISECONDS.sleep(2);
		}
		// The backoff alone: 100, 200, 400 ms... Woken by every success, it would have
		// sent it again to every process hundreds of times.
		assertThat(this.attempts.get()).isBetween(1, 4);
		assertThat(invalidations.size()).as("still pending").isOne();
		invalidations.close(Duration.ZERO);
	}

	@Test
	void closingPublishesWhatIsQueuedOnceRedisAnswers() throws Exception {
		TagInvalidations invalidations = new TagInvalidations(this::publish, this.trust, this.observer, 10_000);
		invalidations.invalidate(List.of("product:1"));
		invalidations.invalidate(List.of("product:2", "category:7"));
		assertThat(invalidations.size()).isEqualTo(2);
		Future<Integer> closing = this.threads.submit(() -> invalidations.close(Duration.ofSeconds(10)));
		this.redisUp.set(true);
		assertThat(closing.get(5, TimeUnit.SECONDS)).isZero();
		assertThat(this.published).as("what was queued goes as one invalidation")
			.containsExactly(List.of("product:1", "product:2", "category:7"));
		assertThat(this.dropped).hasValue(0);
	}

	@Test
	void theBacklogOfAnOutageReachesRedisAsOneInvalidation() {
		TagInvalidations invalidations = new TagInvalidations(this::publish, this.trust, this.observer, 10_000);
		List<String> all = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			invalidations.invalidate(List.of("product:" + i, "category:" + (i % 7)));
			all.add("product:" + i);
		}
		assertThat(invalidations.size()).isEqualTo(300);
		this.redisUp.set(true);
		invalidations.retrySoon();
		await().atMost(Duration.ofSeconds(5)).until(() -> invalidations.size() == 0);
		assertThat(this.published).singleElement().satisfies((tags) -> {
			assertThat(tags).containsAll(all).hasSize(300 + 7).doesNotHaveDuplicates();
		});
		assertThat(this.trust.tags().anyPending(all)).as("every mark lifted").isFalse();
		invalidations.close(Duration.ZERO);
	}

	@Test
	void anInvalidationIsDoneOnlyOnceRedisTookEveryOneOfItsSlotGroups() {
		// Two slot groups, as on a Redis Cluster whose two masters serve one each.
		LocalTrust trust = new LocalTrust(new TagTable(2, (tag) -> tag.startsWith("a") ? 0 : 1), Ticker.systemTicker(),
				StoreOptions.DEFAULT_LOCAL_MAX_UNCONFIRMED);
		AtomicBoolean secondUp = new AtomicBoolean();
		TagInvalidations invalidations = new TagInvalidations((tags) -> {
			if (!this.redisUp.get()) {
				return null;
			}
			this.published.add(List.copyOf(tags));
			List<RedisTier.Invalidated> taken = new ArrayList<>();
			List<String> first = tags.stream().filter((tag) -> tag.startsWith("a")).toList();
			List<String> second = tags.stream().filter((tag) -> !tag.startsWith("a")).toList();
			if (!first.isEmpty()) {
				taken.add(new RedisTier.Invalidated(0, "e0", this.published.size(), first));
			}
			if (!second.isEmpty() && secondUp.get()) {
				taken.add(new RedisTier.Invalidated(1, "e1", this.published.size(), second));
			}
			return taken.isEmpty() ? null : taken;
		}, trust, this.observer, 10_000);
		invalidations.invalidate(List.of("a:1"));
		invalidations.invalidate(List.of("a:2", "b:2"));
		invalidations.invalidate(List.of("b:1"));
		assertThat(invalidations.size()).isEqualTo(3);
		// The first group's master answers again, the second's does not yet.
		this.redisUp.set(true);
		invalidations.retrySoon();
		await().atMost(Duration.ofSeconds(5)).until(() -> invalidations.size() == 2);
		assertThat(trust.tags().anyPending(List.of("a:1"))).as("all its groups taken").isFalse();
		assertThat(trust.tags().anyPending(List.of("a:2")))
			.as("not served here until every group of its invalidation is taken")
			.isTrue();
		assertThat(trust.tags().anyPending(List.of("b:1"))).isTrue();
		secondUp.set(true);
		invalidations.retrySoon();
		await().atMost(Duration.ofSeconds(5)).until(() -> invalidations.size() == 0);
		assertThat(trust.tags().anyPending(List.of("a:2", "b:1", "b:2"))).isFalse();
		assertThat(this.published.get(this.published.size() - 1)).containsExactly("a:2", "b:2", "b:1");
		invalidations.close(Duration.ZERO);
	}

	@Test
	void anInvalidationThatFailsOnceClosedIsLoggedAsAnErrorAndCountedNotQueued() {
		Logger logger = (Logger) LoggerFactory.getLogger(TagInvalidations.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			TagInvalidations invalidations = new TagInvalidations(this::publish, this.trust, this.observer, 10_000);
			invalidations.close(Duration.ZERO);
			// A component stopped after the store still invalidates, and Redis is down.
			invalidations.invalidate(List.of("product:1"));
			assertThat(invalidations.size()).as("nothing would retry it").isZero();
			assertThat(this.dropped).hasValue(1);
			assertThat(appender.list).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
				assertThat(event.getFormattedMessage()).contains("[product:1]", "after shutdown");
			});
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void whatCannotBePublishedBeforeTheTimeoutIsLoggedAsAnErrorAndCounted() {
		Logger logger = (Logger) LoggerFactory.getLogger(TagInvalidations.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			TagInvalidations invalidations = new TagInvalidations(this::publish, this.trust, this.observer, 10_000);
			invalidations.invalidate(List.of("product:1", "category:7"));
			assertThat(invalidations.close(Duration.ofMillis(100))).isOne();
			assertThat(this.dropped).hasValue(1);
			assertThat(appender.list).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
				assertThat(event.getFormattedMessage()).contains("[product:1, category:7]", "could not reach Redis");
			});
			assertThat(this.trust.tags().anyPending(List.of("product:1")))
				.as("this process still does not serve what it could not invalidate")
				.isTrue();
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	private @Nullable List<RedisTier.Invalidated> publish(List<String> tags) {
		if (!this.redisUp.get()) {
			return null;
		}
		this.published.add(List.copyOf(tags));
		return List.of(new RedisTier.Invalidated(0, "e1", this.published.size(), tags));
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
