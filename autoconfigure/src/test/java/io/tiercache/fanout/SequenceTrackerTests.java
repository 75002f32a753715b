package io.tiercache.fanout;

import io.tiercache.redis.RedisTier.SequenceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gap, stall and epoch decisions of {@link SequenceTracker}, as a table of event
 * sequences. Each step is {@code event -> answer}: {@code sub} (answer: is it a
 * re-subscription), {@code base <epoch> <seq>} or {@code base -} (answer: was the
 * baseline established now), {@code msg <epoch> <seq> <epochStart>} (answer: a gap before
 * it), {@code check <epoch> <seq> <start> [<highest tag state>]} (answer: stalled) and
 * {@code caught <epoch> <seq>} (answer: caught up with that read of Redis's sequence, so
 * that it confirms the local tier).
 */
class SequenceTrackerTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					first subscription is not a re-subscription   | sub -> no
					a re-subscription clears                       | sub -> no; base e1 5 -> yes; sub -> yes
					a baseline is taken once per subscription      | sub -> no; base e1 5 -> yes; base e1 9 -> no
					consecutive messages have no gap               | sub -> no; base e1 5 -> yes; msg e1 6 0 -> no; msg e1 7 0 -> no
					a skipped number is a gap                      | sub -> no; base e1 5 -> yes; msg e1 7 0 -> yes
					an old or repeated message is no gap           | sub -> no; base e1 5 -> yes; msg e1 4 0 -> no; msg e1 5 0 -> no; msg e1 6 0 -> no
					messages before the baseline are never a gap   | sub -> no; msg e1 50 0 -> no; base e1 5 -> yes; msg e1 6 0 -> no
					a re-baseline keeps what was received          | sub -> no; base e1 5 -> yes; msg e1 6 0 -> no; sub -> yes; base e1 4 -> yes; msg e1 7 0 -> no
					a new epoch's first message is no gap          | sub -> no; base e1 5 -> yes; msg e2 101 100 -> no; msg e2 102 100 -> no
					a new epoch's messages missed are a gap        | sub -> no; base e1 5 -> yes; msg e2 103 100 -> yes
					a new epoch of unknown start is followed       | sub -> no; base e1 5 -> yes; msg e2 103 0 -> no; msg e2 104 0 -> no
					no sequence yet, then its first messages      | sub -> no; base - -> yes; msg e1 101 100 -> no; msg e1 102 100 -> no
					no sequence yet, then messages missed          | sub -> no; base - -> yes; msg e1 103 100 -> yes
					Redis ahead twice in a row is a stall          | sub -> no; base e1 5 -> yes; check e1 7 0 -> no; check e1 7 0 -> yes
					catching up between checks is no stall         | sub -> no; base e1 5 -> yes; check e1 7 0 -> no; msg e1 6 0 -> no; msg e1 7 0 -> no; check e1 7 0 -> no
					catching up only partly is a stall             | sub -> no; base e1 5 -> yes; check e1 7 0 -> no; msg e1 6 0 -> no; check e1 8 0 -> yes
					a stall is reported once, then expected anew   | sub -> no; base e1 5 -> yes; check e1 7 0 -> no; check e1 7 0 -> yes; check e1 7 0 -> no; check e1 7 0 -> yes
					no check decides before the baseline           | sub -> no; check e1 9 0 -> no; check e1 9 0 -> no
					a new epoch in a check is expected in full     | sub -> no; base e1 5 -> yes; check e2 103 100 -> no; check e2 103 100 -> yes
					a new epoch in a check, then its messages      | sub -> no; base e1 5 -> yes; check e2 102 100 -> no; msg e2 101 100 -> no; msg e2 102 100 -> no; check e2 102 100 -> no
					caught up only with what was received          | sub -> no; base e1 5 -> yes; caught e1 5 -> yes; caught e1 6 -> no; msg e1 6 0 -> no; caught e1 6 -> yes
					never caught up before a baseline              | sub -> no; caught e1 0 -> no; base e1 5 -> yes; caught e1 0 -> yes
					a re-subscription waits for its baseline       | sub -> no; base e1 5 -> yes; sub -> yes; caught e1 5 -> no; base e1 7 -> yes; caught e1 7 -> yes
					another epoch is not caught up with            | sub -> no; base e1 5 -> yes; caught e2 1 -> no
					a gap noticed is caught up with                | sub -> no; base e1 5 -> yes; msg e1 8 0 -> yes; caught e1 8 -> yes
					a number Redis never reaches is a stall        | sub -> no; base e1 5 -> yes; msg e1 1000000 0 -> yes; check e1 5 0 -> no; check e1 6 0 -> yes
					after it, losses are noticed again             | sub -> no; base e1 5 -> yes; msg e1 1000000 0 -> yes; check e1 5 0 -> no; check e1 5 0 -> yes; sub -> yes; base e1 5 -> yes; msg e1 7 0 -> yes
					after it, trust is not confirmed unearned      | sub -> no; base e1 5 -> yes; msg e1 1000000 0 -> yes; check e1 5 0 -> no; check e1 5 0 -> yes; sub -> yes; base e1 5 -> yes; caught e1 6 -> no
					a message ahead of a read's answer is no stall | sub -> no; base e1 5 -> yes; msg e1 6 0 -> no; check e1 5 0 -> no; check e1 6 0 -> no; check e1 6 0 -> no
					Redis reaching the number in time is no stall  | sub -> no; base e1 5 -> yes; msg e1 6 0 -> no; msg e1 7 0 -> no; check e1 6 0 -> no; check e1 7 0 -> no
					a tag state Redis never reaches is a stall     | sub -> no; base e1 5 -> yes; check e1 5 0 1000000 -> no; check e1 6 0 1000000 -> yes
					a tag state Redis reaches in time is no stall  | sub -> no; base e1 5 -> yes; msg e1 6 0 -> no; check e1 5 0 6 -> no; check e1 6 0 6 -> no; check e1 6 0 6 -> no
					a tag state of an epoch left is still a stall  | sub -> no; base e1 5 -> yes; msg e2 1000000 0 -> no; check e1 5 0 1000000 -> no; check e1 5 0 1000000 -> yes
					a tag state left by a real message is a stall  | sub -> no; base e1 5 -> yes; msg e2 1000000 0 -> no; msg e1 6 0 -> no; check e1 6 0 1000000 -> no; check e1 6 0 1000000 -> yes
					a new epoch in a check, from its start         | sub -> no; base e1 5 -> yes; check e2 100 100 -> no; caught e2 100 -> yes; check e2 102 100 -> no; caught e2 102 -> no; msg e2 101 100 -> no; msg e2 102 100 -> no; caught e2 102 -> yes
					""")
	void decides(String description, String steps) {
		SequenceTracker tracker = new SequenceTracker();
		for (String step : steps.split(";")) {
			String[] parts = step.trim().split("->");
			String[] event = parts[0].trim().split(" ");
			boolean expected = parts[1].trim().equals("yes");
			boolean answer = switch (event[0]) {
				case "sub" -> tracker.subscribed();
				case "base" -> tracker.baseline(event[1].equals("-") ? null : state(event[1], event[2], "0"));
				case "msg" -> tracker.onMessage(event[1], Long.parseLong(event[2]), Long.parseLong(event[3]));
				case "check" -> tracker.check(state(event[1], event[2], event[3]),
						(event.length > 4) ? Long.parseLong(event[4]) : 0);
				case "caught" -> tracker.caughtUp(state(event[1], event[2], "0"));
				default -> throw new IllegalArgumentException("Unknown event " + step);
			};
			assertThat(answer).as(description + ": " + step.trim()).isEqualTo(expected);
		}
	}

	@Test
	void waitsForABaselineOnlyOnceSubscribed() {
		SequenceTracker tracker = new SequenceTracker();
		assertThat(tracker.awaitsBaseline()).isFalse();
		assertThat(tracker.hasBaseline()).isFalse();
		tracker.subscribed();
		assertThat(tracker.awaitsBaseline()).isTrue();
		tracker.baseline(new SequenceState("e1", 5, 0));
		assertThat(tracker.awaitsBaseline()).isFalse();
		assertThat(tracker.hasBaseline()).isTrue();
	}

	@Test
	void lagIsWhatRedisPublishedAndThisProcessDidNotReceive() {
		SequenceTracker tracker = new SequenceTracker();
		tracker.subscribed();
		tracker.baseline(new SequenceState("e1", 5, 0));
		tracker.onMessage("e1", 6, 0);
		assertThat(tracker.lastSequence()).isEqualTo(6);
		assertThat(tracker.epoch()).isEqualTo("e1");
		assertThat(tracker.lag(new SequenceState("e1", 9, 0))).isEqualTo(3);
		assertThat(tracker.lag(new SequenceState("e1", 6, 0))).isZero();
		assertThat(tracker.lag(new SequenceState("e2", 90, 0))).as("another epoch").isZero();
	}

	private static SequenceState state(String epoch, String seq, String start) {
		return new SequenceState(epoch, Long.parseLong(seq), Long.parseLong(start));
	}

}
