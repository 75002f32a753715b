package io.tiercache.store;

import java.util.ArrayList;
import java.util.List;

import io.tiercache.store.LocalTrust.ClearReason;
import io.tiercache.store.LocalTrust.DistrustCause;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LocalTrust} and its {@link TagTable}: the rules [I5] to [I9] of
 * {@code docs/correctness.md} that need no Redis.
 */
class LocalTrustTests {

	private final TagTable tags = new TagTable();

	private final LocalTrust trust = new LocalTrust(this.tags);

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
		LocalEntry entry = new LocalEntry("v", 5, new TagState[] { state }, this.trust.generation(), 1);
		assertThat(entry.isServable(this.trust)).isTrue();
		this.trust.apply("e1", 6, List.of("product:1"));
		assertThat(entry.isServable(this.trust)).as("invalidated after its load").isFalse();
		LocalEntry later = new LocalEntry("v", 6, new TagState[] { state }, this.trust.generation(), 1);
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
	void withChecksOffNothingReachesLocalEntries() {
		TagState state = this.tags.state("product:1");
		LocalEntry entry = new LocalEntry("v", 5, new TagState[] { state }, this.trust.generation(), 1);
		this.trust.setChecksEnabled(false);
		this.trust.distrust(DistrustCause.UNSUBSCRIBED);
		this.trust.apply("e1", 9, List.of("product:1"));
		this.trust.clear(ClearReason.GAP);
		assertThat(entry.isServable(this.trust)).isTrue();
		assertThat(this.clears).isEmpty();
	}

	@Test
	void aReplyBelowWhatWasKnownWhenItsRequestWasSentIsARollback() {
		List<Long> rollbacks = new ArrayList<>();
		this.trust.addRollbackListener((seen, found) -> rollbacks.add(found));
		this.trust.observe(this.trust.mark(), "e1", 201);
		LocalTrust.SequenceMark before = this.trust.mark();
		assertThat(before).isEqualTo(new LocalTrust.SequenceMark("e1", 201));
		assertThat(this.trust.observe(before, "e1", 200)).isTrue();
		assertThat(rollbacks).containsExactly(200L);
	}

	@Test
	void aLateReplyToARequestSentEarlierIsNoRollback() {
		List<Long> rollbacks = new ArrayList<>();
		this.trust.addRollbackListener((seen, found) -> rollbacks.add(found));
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
		// like
		// a rollback
		this.trust.apply("e1", Long.MAX_VALUE, List.of("product:1"));
		assertThat(this.trust.mark()).isEqualTo(new LocalTrust.SequenceMark("e1", 200));
	}

}
