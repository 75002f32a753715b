package io.tiercache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.tiercache.redis.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The breaker's state machine, on a fake clock.
 */
class CircuitBreakerTests {

	private static final long OPEN_NANOS = Duration.ofSeconds(1).toNanos();

	private final AtomicLong now = new AtomicLong(1_000);

	private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofNanos(OPEN_NANOS), this.now::get);

	@Test
	void opensAfterTheThresholdOfConsecutiveFailuresAndNotBefore() {
		fail(2);
		assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		this.breaker.recordFailure();
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
		assertThat(this.breaker.tryAcquirePermission()).isFalse();
	}

	@Test
	void aSuccessResetsTheCountOfConsecutiveFailures() {
		fail(2);
		succeed();
		fail(2);
		assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
		fail(1);
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
	}

	@Test
	void refusesEveryCallUntilTheOpenWindowHasElapsed() {
		open();
		for (int i = 0; i < 10; i++) {
			assertThat(this.breaker.tryAcquirePermission()).isFalse();
		}
		this.now.addAndGet(OPEN_NANOS - 1);
		assertThat(this.breaker.tryAcquirePermission()).isFalse();
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
	}

	@Test
	void onceTheWindowHasElapsedOneProbeIsAdmittedAndEveryOtherCallerRefused() {
		open();
		this.now.addAndGet(OPEN_NANOS);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		assertThat(this.breaker.state()).isEqualTo(State.HALF_OPEN);
		for (int i = 0; i < 10; i++) {
			assertThat(this.breaker.tryAcquirePermission()).as("while the probe is out").isFalse();
		}
		this.now.addAndGet(OPEN_NANOS - 1);
		assertThat(this.breaker.tryAcquirePermission()).as("while the probe is out").isFalse();
	}

	@Test
	void concurrentCallersOfAnElapsedWindowGetOneProbeBetweenThem() throws Exception {
		int callers = 8;
		ExecutorService executor = Executors.newFixedThreadPool(callers);
		try {
			for (int round = 0; round < 50; round++) {
				open();
				this.now.addAndGet(OPEN_NANOS);
				CyclicBarrier start = new CyclicBarrier(callers);
				List<Future<Boolean>> permissions = new ArrayList<>();
				for (int i = 0; i < callers; i++) {
					permissions.add(executor.submit(() -> {
						start.await(10, TimeUnit.SECONDS);
						return this.breaker.tryAcquirePermission();
					}));
				}
				int granted = 0;
				for (Future<Boolean> permission : permissions) {
					granted += permission.get(10, TimeUnit.SECONDS) ? 1 : 0;
				}
				assertThat(granted).as("probes admitted in round %s", round).isOne();
				this.breaker.recordSuccess();
				assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aSuccessfulProbeClosesTheBreakerAndResetsTheFailureCount() {
		open();
		this.now.addAndGet(OPEN_NANOS);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		this.breaker.recordSuccess();
		assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		fail(2);
		assertThat(this.breaker.state()).as("after two failures of a fresh count").isEqualTo(State.CLOSED);
		fail(1);
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
	}

	@Test
	void aFailedProbeReopensTheBreakerForAFullWindowFromTheFailure() {
		open();
		this.now.addAndGet(OPEN_NANOS);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		// The probe takes its time to fail: the new window starts when it does.
		this.now.addAndGet(OPEN_NANOS / 2);
		this.breaker.recordFailure();
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
		this.now.addAndGet(OPEN_NANOS - 1);
		assertThat(this.breaker.tryAcquirePermission()).isFalse();
		this.now.addAndGet(1);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		assertThat(this.breaker.state()).isEqualTo(State.HALF_OPEN);
	}

	@Test
	void aProbeWhoseOutcomeIsNeverRecordedIsReplacedAfterTheOpenDuration() {
		open();
		this.now.addAndGet(OPEN_NANOS);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		this.now.addAndGet(OPEN_NANOS - 1);
		assertThat(this.breaker.tryAcquirePermission()).isFalse();
		this.now.addAndGet(1);
		assertThat(this.breaker.tryAcquirePermission()).as("a new probe").isTrue();
		assertThat(this.breaker.tryAcquirePermission()).as("while the new probe is out").isFalse();
		assertThat(this.breaker.state()).isEqualTo(State.HALF_OPEN);
		this.breaker.recordSuccess();
		assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
	}

	@Test
	void theLateOutcomeOfACallAdmittedBeforeTheBreakerOpenedLeavesTheWindowAlone() {
		open();
		this.now.addAndGet(OPEN_NANOS / 2);
		this.breaker.recordSuccess();
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
		this.breaker.recordFailure();
		this.now.addAndGet(OPEN_NANOS / 2);
		assertThat(this.breaker.tryAcquirePermission()).as("the window is not extended").isTrue();
	}

	@Test
	void everyStateListenerIsToldOfEachTransition() {
		List<String> first = new ArrayList<>();
		List<String> second = new ArrayList<>();
		this.breaker.addStateListener((from, to) -> first.add(from + " -> " + to));
		this.breaker.addStateListener((from, to) -> second.add(from + " -> " + to));
		open();
		this.now.addAndGet(OPEN_NANOS);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		this.breaker.recordFailure();
		this.now.addAndGet(OPEN_NANOS);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		this.breaker.recordSuccess();
		List<String> expected = List.of("CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> OPEN", "OPEN -> HALF_OPEN",
				"HALF_OPEN -> CLOSED");
		assertThat(first).isEqualTo(expected);
		assertThat(second).isEqualTo(expected);
	}

	@Test
	void aTransitionCausedByAListenerIsToldAfterTheOneItIsBeingToldOf() {
		List<String> told = new CopyOnWriteArrayList<>();
		this.breaker.addStateListener((from, to) -> {
			if (to == State.OPEN) {
				this.now.addAndGet(OPEN_NANOS);
				this.breaker.tryAcquirePermission();
			}
		});
		this.breaker.addStateListener((from, to) -> told.add(from + " -> " + to));
		fail(3);
		assertThat(this.breaker.state()).isEqualTo(State.HALF_OPEN);
		assertThat(told).containsExactly("CLOSED -> OPEN", "OPEN -> HALF_OPEN");
	}

	@Test
	void aFailingListenerStopsNeitherTheOthersNorTheBreaker() {
		List<String> told = new ArrayList<>();
		AtomicInteger successes = new AtomicInteger();
		this.breaker.addStateListener((from, to) -> {
			throw new IllegalStateException("listener failure");
		});
		this.breaker.addStateListener((from, to) -> told.add(from + " -> " + to));
		this.breaker.addSuccessListener(() -> {
			throw new IllegalStateException("listener failure");
		});
		this.breaker.addSuccessListener(successes::incrementAndGet);
		open();
		this.now.addAndGet(OPEN_NANOS);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		this.breaker.recordSuccess();
		assertThat(told).containsExactly("CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> CLOSED");
		assertThat(successes).hasValue(1);
		assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
	}

	@Test
	void everySuccessListenerRunsOnEachSuccessAndOnNoFailure() {
		AtomicInteger first = new AtomicInteger();
		AtomicInteger second = new AtomicInteger();
		this.breaker.addSuccessListener(first::incrementAndGet);
		this.breaker.addSuccessListener(second::incrementAndGet);
		succeed();
		succeed();
		fail(3);
		this.now.addAndGet(OPEN_NANOS);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		this.breaker.recordSuccess();
		assertThat(first).hasValue(3);
		assertThat(second).hasValue(3);
	}

	@Test
	void aThresholdBelowOneOpensOnTheFirstFailure() {
		CircuitBreaker eager = new CircuitBreaker(0, Duration.ofNanos(OPEN_NANOS), this.now::get);
		assertThat(eager.tryAcquirePermission()).isTrue();
		eager.recordFailure();
		assertThat(eager.state()).isEqualTo(State.OPEN);
	}

	@Test
	void aProbeAskedForGoesOutAtOnceWhileOpenAndClosesTheBreakerOnSuccess() {
		open();
		assertThat(this.breaker.tryAcquirePermission()).isFalse();
		assertThat(this.breaker.tryAcquireProbe()).as("before the window has elapsed").isTrue();
		assertThat(this.breaker.state()).isEqualTo(State.HALF_OPEN);
		assertThat(this.breaker.tryAcquireProbe()).as("while that probe is out").isFalse();
		assertThat(this.breaker.tryAcquirePermission()).as("while that probe is out").isFalse();
		this.breaker.recordSuccess();
		assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
	}

	@Test
	void aFailedProbeAskedForOpensTheBreakerForAWholeWindowForOthersButNotForTheNextProbe() {
		open();
		assertThat(this.breaker.tryAcquireProbe()).isTrue();
		this.breaker.recordFailure();
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
		this.now.addAndGet(OPEN_NANOS - 1);
		assertThat(this.breaker.tryAcquirePermission()).as("the window stands for ordinary calls").isFalse();
		assertThat(this.breaker.tryAcquireProbe()).isTrue();
	}

	@Test
	void aProbeAskedForWhileClosedIsAnOrdinaryCall() {
		assertThat(this.breaker.tryAcquireProbe()).isTrue();
		this.breaker.recordFailure();
		assertThat(this.breaker.state()).isEqualTo(State.CLOSED);
	}

	private void open() {
		fail(3);
		assertThat(this.breaker.state()).isEqualTo(State.OPEN);
	}

	private void fail(int times) {
		for (int i = 0; i < times; i++) {
			assertThat(this.breaker.tryAcquirePermission()).isTrue();
			this.breaker.recordFailure();
		}
	}

	private void succeed() {
		assertThat(this.breaker.tryAcquirePermission()).isTrue();
		this.breaker.recordSuccess();
	}

}
