package io.tiercache.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AsyncCalls}: a call is never left without an answer, whether the
 * threads are busy, full or closed.
 */
class AsyncCallsTests {

	@Test
	void aCallRunsOnTheStoresThreads() throws Exception {
		AsyncCalls calls = new AsyncCalls(1);
		try {
			CompletableFuture<@Nullable Object> thread = calls
				.submit(() -> CompletableFuture.completedFuture(Thread.currentThread().getName()));
			assertThat(thread.get(5, TimeUnit.SECONDS)).isEqualTo("tiercache-async");
		}
		finally {
			calls.close();
		}
	}

	@Test
	void beyondTheQueueACallRunsOnTheCallersThread() throws Exception {
		AsyncCalls calls = new AsyncCalls(1);
		CountDownLatch release = new CountDownLatch(1);
		try {
			calls.execute(() -> await(release));
			for (int i = 0; i < AsyncCalls.QUEUE; i++) {
				calls.execute(() -> {
				});
			}
			CompletableFuture<@Nullable Object> thread = calls
				.submit(() -> CompletableFuture.completedFuture(Thread.currentThread().getName()));
			assertThat(thread).isCompletedWithValue(Thread.currentThread().getName());
		}
		finally {
			release.countDown();
			calls.close();
		}
	}

	@Test
	void callsStillQueuedWhenTheStoreClosesAreAnswered() throws Exception {
		AsyncCalls calls = new AsyncCalls(1);
		CountDownLatch release = new CountDownLatch(1);
		calls.execute(() -> await(release));
		CompletableFuture<@Nullable Object> queued = calls.submit(() -> CompletableFuture.completedFuture("answered"));
		assertThat(queued).isNotDone();
		calls.close();
		release.countDown();
		assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("answered");
		CompletableFuture<@Nullable Object> afterClose = calls
			.submit(() -> CompletableFuture.completedFuture(Thread.currentThread().getName()));
		assertThat(afterClose).isCompletedWithValue(Thread.currentThread().getName());
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
