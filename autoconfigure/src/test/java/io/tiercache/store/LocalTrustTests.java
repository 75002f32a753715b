package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.tiercache.store.LocalTrust.ClearReason;
import io.tiercache.store.LocalTrust.DistrustCause;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LocalTrust} and its {@link TagTable}: the rules [I5] to [I10] of
 * {@code docs/correctness.md} that need no Redis, on a fake ticker.
 */
class LocalTrustTests {

	private static final Duration BOUND = Duration.ofSeconds(1);

	private final AtomicLong nanos = new AtomicLong();

	private final TagTable tags = new TagTable();

	private final LocalTrust trust = new LocalTrust(this.tags, this.nanos::get, BOUND);

	private final List<ClearReason> clears = new ArrayList<>();

	LocalTrustTests() {
		this.trust.addClearListener(this.clears::add);
	}

	@Test
	void anInvalidationAdvancesTheStatesThatExistAndBumpsTheVersionFirst() {
		TagState held = this.tags.state("product:1");
		List<Long> versionsSeen = new ArrayList<>();
		this.trust.addApplyListener((epoch, seq, applied) -> versionsSeen.add(this.trust.version()));
		this.trust.apply("e1", 7, List.of("product:1", "product:2"));
		assertThat(held.invalidatedSeq()).isEqualTo(7);
		assertThat(held.invalidates(6)).isTrue();
		assertThat(held.invalidates(7)).isFalse();
		assertThat(versionsSeen).containsExactly(1L);
		assertThat(this.tags.snapshot()).extracting(TagState::name).containsExactly("product:1");
	}

	@Test
	void aTagStateIsTheSameObjectWhileReferenced() {
		TagState first = this.tags.state("product:1");
		assertThat(this.tags.state("product:1")).isSameAs(first);
		assertThat(this.tags.states(List.of("product:1", "product:2"))[0]).isSameAs(first);
	}

	@Test
	void anOlderInvalidationNeverMovesAStateBack() {
		TagState state = this.tags.state("product:1");
		this.trust.apply("e1", 9, List.of("product:1"));
		this.trust.apply("e1", 8, List.of("product:1"));
		assertThat(state.invalidatedSeq()).isEqualTo(9);
	}

	@Test
	void pendingMarksHideEntriesUntilResolved() {
		long version = this.trust.version();
		TagState[] marks = this.trust.markPending(List.of("product:1"));
		assertThat(this.trust.version()).as("a mark changes what may be served").isGreaterThan(version);
		assertThat(this.tags.anyPending(List.of("product:2", "product:1"))).isTrue();
		assertThat(marks[0].invalidates(Long.MAX_VALUE)).isTrue();
		this.tags.resolvePending(marks);
		assertThat(this.tags.anyPending(List.of("product:1"))).isFalse();
		assertThat(marks[0].invalidates(Long.MAX_VALUE)).isFalse();
	}

	@Test
	void anEntryIsServedOnlyWhileTrustedInItsGenerationAndNotInvalidated() {
		TagState state = this.tags.state("product:1");
		LocalEntry entry = new LocalEntry("v", new long[] { 5 }, new TagState[] { state }, this.trust.generation(), 1);
		assertThat(entry.isServable(this.trust)).isTrue();
		this.trust.apply("e1", 6, List.of("product:1"));
		assertThat(entry.isServable(this.trust)).as("invalidated after its load").isFalse();
		LocalEntry later = new LocalEntry("v", new long[] { 6 }, new TagState[] { state }, this.trust.generation(), 1);
		assertThat(later.isServable(this.trust)).isTrue();
		this.trust.clear(ClearReason.MANUAL);
		assertThat(later.isServable(this.trust)).as("of an older generation").isFalse();
	}

	@Test
	void eachCauseOfDistrustIsLiftedOnItsOwnAndEveryChangeClears() {
		assertThat(this.trust.trusted()).isTrue();
		this.trust.distrust(DistrustCause.UNSUBSCRIBED);
		this.trust.distrust(DistrustCause.REDIS_UNREACHABLE);
		this.trust.distrust(DistrustCause.REDIS_UNREACHABLE);
		this.trust.restoreTrust(DistrustCause.UNSUBSCRIBED);
		assertThat(this.trust.trusted()).isFalse();
		assertThat(this.trust.distrusts(DistrustCause.REDIS_UNREACHABLE)).isTrue();
		this.trust.restoreTrust(DistrustCause.REDIS_UNREACHABLE);
		assertThat(this.trust.trusted()).isTrue();
		assertThat(this.clears).as("a repeated cause changes nothing").hasSize(4);
		assertThat(this.trust.generation()).isEqualTo(4);
	}

	@Test
	void anEpochChangeClearsButTheFirstEpochDoesNot() {
		this.trust.observeEpoch("e1");
		this.trust.observeEpoch("e1");
		assertThat(this.clears).isEmpty();
		this.trust.apply("e2", 1, List.of("product:1"));
		assertThat(this.clears).containsExactly(ClearReason.EPOCH);
		assertThat(this.trust.epoch()).isEqualTo("e2");
	}

	@Test
	void onceConfirmationIsRequiredAnEntryIsServedOnlyWithinTheBoundOfTheLastConfirmation() {
		LocalEntry entry = entry();
		this.trust.requireConfirmation();
		assertThat(entry.isServable(this.trust)).as("not confirmed yet").isFalse();
		this.trust.confirm(now());
		assertThat(entry.isServable(this.trust)).isTrue();
		advance(BOUND.minusNanos(1));
		assertThat(entry.isServable(this.trust)).isTrue();
		advance(Duration.ofNanos(1));
		assertThat(entry.isServable(this.trust)).as("confirmed a bound ago").isFalse();
		assertThat(this.trust.trusted()).isFalse();
		this.trust.confirm(now());
		assertThat(entry.isServable(this.trust)).as("the same entry, once confirmed again").isTrue();
		assertThat(this.clears).as("a lapse clears nothing: nothing was missed, only not yet applied").isEmpty();
	}

	@Test
	void aConfirmationHoldsFromWhenItsReadWasSentNotFromWhenItsAnswerCame() {
		this.trust.requireConfirmation();
		long sentAt = now();
		// A slow answer, or a checker thread that ran late.
		advance(Duration.ofMillis(800));
		this.trust.confirm(sentAt);
		assertThat(this.trust.trusted()).isTrue();
		advance(Duration.ofMillis(200));
		assertThat(this.trust.trusted()).isFalse();
	}

	@Test
	void afterAPauseLongerThanTheBoundOnlyAReadSentAfterItConfirms() {
		LocalEntry entry = entry();
		this.trust.requireConfirmation();
		this.trust.confirm(now());
		long beforePause = now();
		// The whole process stopped (SIGSTOP, a long GC): the monotonic clock went on.
		advance(Duration.ofSeconds(2));
		assertThat(entry.isServable(this.trust)).as("the first hit after the pause").isFalse();
		this.trust.confirm(beforePause);
		assertThat(entry.isServable(this.trust)).as("confirmed by a read sent before the pause").isFalse();
		this.trust.confirm(now());
		assertThat(entry.isServable(this.trust)).isTrue();
	}

	@Test
	void aClearConfirmsAsOfJustBeforeItSinceNothingLoadedBeforeItIsServedAfterIt() {
		this.trust.requireConfirmation();
		assertThat(this.trust.trusted()).isFalse();
		this.trust.clear(ClearReason.EPOCH);
		assertThat(this.trust.trusted()).isTrue();
		advance(BOUND);
		assertThat(this.trust.trusted()).isFalse();
	}

	@Test
	void anOlderConfirmationNeverShortensTrust() {
		this.trust.requireConfirmation();
		long first = now();
		advance(Duration.ofMillis(500));
		this.trust.confirm(now());
		this.trust.confirm(first);
		advance(Duration.ofMillis(900));
		assertThat(this.trust.trusted()).as("1.4 s after the first read, 0.9 s after the second").isTrue();
	}

	@Test
	void theBoundHoldsAcrossTheTickersOverflow() {
		this.nanos.set(Long.MAX_VALUE - Duration.ofMillis(400).toNanos());
		this.trust.requireConfirmation();
		this.trust.confirm(now());
		advance(Duration.ofMillis(800));
		assertThat(now()).as("the ticker wrapped").isNegative();
		assertThat(this.trust.trusted()).isTrue();
		advance(Duration.ofMillis(200));
		assertThat(this.trust.trusted()).isFalse();
	}

	@Test
	void withoutASubscriberRequiringConfirmationTheLocalTierIsTrustedWithoutTimeLimit() {
		advance(Duration.ofDays(365));
		assertThat(this.trust.trusted()).isTrue();
	}

	@Test
	void withChecksOffNothingReachesLocalEntries() {
		TagState state = this.tags.state("product:1");
		LocalEntry entry = new LocalEntry("v", new long[] { 5 }, new TagState[] { state }, this.trust.generation(), 1);
		this.trust.setChecksEnabled(false);
		this.trust.requireConfirmation();
		this.trust.distrust(DistrustCause.UNSUBSCRIBED);
		this.trust.apply("e1", 9, List.of("product:1"));
		this.trust.clear(ClearReason.GAP);
		assertThat(entry.isServable(this.trust)).isTrue();
		assertThat(this.clears).isEmpty();
	}

	@Test
	void aReplyBelowWhatWasKnownWhenItsRequestWasSentIsARollback() {
		List<Long> rollbacks = new ArrayList<>();
		this.trust.addRollbackListener((group, seen, found) -> rollbacks.add(found));
		this.trust.observe(this.trust.mark(), "e1", 201);
		LocalTrust.SequenceMark before = this.trust.mark();
		assertThat(before).isEqualTo(new LocalTrust.SequenceMark("e1", 201));
		assertThat(this.trust.observe(before, "e1", 200)).isTrue();
		assertThat(rollbacks).containsExactly(200L);
	}

	@Test
	void aLateReplyToARequestSentEarlierIsNoRollback() {
		List<Long> rollbacks = new ArrayList<>();
		this.trust.addRollbackListener((group, seen, found) -> rollbacks.add(found));
		this.trust.observe(this.trust.mark(), "e1", 200);
		LocalTrust.SequenceMark sentAt200 = this.trust.mark();
		// Meanwhile another thread's invalidation got 201
		this.trust.observe(this.trust.mark(), "e1", 201);
		assertThat(this.trust.observe(sentAt200, "e1", 200)).isFalse();
		assertThat(this.trust.mark().seq()).as("never moves back").isEqualTo(201);
		assertThat(this.trust.observe(this.trust.mark(), "e2", 5)).as("another epoch").isFalse();
		assertThat(this.trust.mark()).isEqualTo(new LocalTrust.SequenceMark("e2", 5));
		assertThat(rollbacks).isEmpty();
	}

	@Test
	void aMessageDoesNotMoveTheMark() {
		this.trust.observe(this.trust.mark(), "e1", 200);
		// Anyone who can publish can send this: it must not make every later reply look
		// like a rollback
		this.trust.apply("e1", Long.MAX_VALUE, List.of("product:1"));
		assertThat(this.trust.mark()).isEqualTo(new LocalTrust.SequenceMark("e1", 200));
	}

	@Test
	void statesBeyondRedisAreLoweredToItInPlaceKeepingTheirPendingMarksAndEntriesLoadedBeforeStayDead() {
		TagState forged = this.tags.state("product:1");
		TagState real = this.tags.state("product:2");
		this.trust.apply("e1", 40, List.of("product:2"));
		this.trust.apply("e1", Long.MAX_VALUE / 4, List.of("product:1"));
		TagState[] marks = this.trust.markPending(List.of("product:1"));
		assertThat(this.tags.highestInvalidatedSeq()).isEqualTo(Long.MAX_VALUE / 4);
		LocalEntry before = new LocalEntry("v", new long[] { 45 }, new TagState[] { forged }, this.trust.generation(),
				1);
		this.trust.distrustAndLowerTagStates(DistrustCause.UNSUBSCRIBED, 50);
		assertThat(this.trust.trusted()).as("withheld until the subscription is re-established").isFalse();
		assertThat(this.tags.state("product:1")).as("the same object").isSameAs(forged);
		assertThat(forged.invalidatedSeq()).isEqualTo(50);
		assertThat(real.invalidatedSeq()).as("a number Redis reached stays").isEqualTo(40);
		assertThat(this.tags.highestInvalidatedSeq()).isEqualTo(50);
		assertThat(this.tags.anyPending(List.of("product:1"))).as("read-your-writes kept").isTrue();
		assertThat(this.tags.anyInvalidatedAfter(List.of("product:1"), new long[] { 49 }))
			.as("loaded before Redis's number")
			.isTrue();
		this.tags.resolvePending(marks);
		this.trust.restoreTrust(DistrustCause.UNSUBSCRIBED);
		assertThat(before.isServable(this.trust)).as("loaded before the lowering").isFalse();
		LocalEntry after = new LocalEntry("v", new long[] { 50 }, new TagState[] { forged }, this.trust.generation(),
				1);
		assertThat(after.isServable(this.trust)).as("loaded at Redis's number, after the lowering").isTrue();
		assertThat(this.clears).contains(ClearReason.DISCONNECT);
	}

	@Test
	void theFirstSubscriptionIsNotADisconnectButEveryLaterLossIs() {
		LocalEntry early = entry();
		this.trust.distrustUntilFirstSubscription();
		this.trust.restoreTrust(DistrustCause.UNSUBSCRIBED);
		assertThat(this.clears).as("a clean start reports no disconnect").isEmpty();
		assertThat(this.trust.trusted()).isTrue();
		assertThat(early.isServable(this.trust)).as("nothing from before is served").isFalse();
		this.trust.distrust(DistrustCause.UNSUBSCRIBED);
		this.trust.restoreTrust(DistrustCause.UNSUBSCRIBED);
		assertThat(this.clears).containsExactly(ClearReason.DISCONNECT, ClearReason.DISCONNECT);
	}

	@Test
	void redisUnreachableBeforeTheFirstSubscriptionIsNotADisconnectEither() {
		this.trust.distrustUntilFirstSubscription();
		this.trust.distrust(DistrustCause.REDIS_UNREACHABLE);
		this.trust.restoreTrust(DistrustCause.UNSUBSCRIBED);
		assertThat(this.trust.trusted()).isFalse();
		this.trust.restoreTrust(DistrustCause.REDIS_UNREACHABLE);
		assertThat(this.trust.trusted()).isTrue();
		assertThat(this.clears).isEmpty();
		this.trust.distrust(DistrustCause.REDIS_UNREACHABLE);
		assertThat(this.clears).containsExactly(ClearReason.DISCONNECT);
	}

	private LocalEntry entry() {
		return new LocalEntry("v", new long[] { 5 }, new TagState[] { this.tags.state("product:1") },
				this.trust.generation(), 1);
	}

	private long now() {
		return this.nanos.get();
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
