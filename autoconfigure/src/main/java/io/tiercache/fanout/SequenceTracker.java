package io.tiercache.fanout;

import io.tiercache.redis.RedisTier.SequenceState;
import org.jspecify.annotations.Nullable;

/**
 * What this process knows of the invalidation sequence, and the decisions taken from it:
 * is a message the next one, or was one lost (a gap)? Have messages stopped arriving (a
 * stall)? Pure and synchronized: the subscriber feeds it subscriptions, messages and
 * periodic reads of Redis's sequence, and acts on its answers ([I10] in
 * {@code docs/correctness.md}).
 *
 * <h2>States</h2>
 * <table>
 * <caption>Transitions</caption>
 * <tr>
 * <th>state</th>
 * <th>event</th>
 * <th>answer, next state</th>
 * </tr>
 * <tr>
 * <td>any</td>
 * <td>{@link #subscribed()}</td>
 * <td>"cleared" if it is a re-subscription (messages published meanwhile are gone);
 * NEEDS_BASELINE</td>
 * </tr>
 * <tr>
 * <td>NEEDS_BASELINE</td>
 * <td>{@link #baseline} with Redis's sequence</td>
 * <td>"established"; FOLLOWING from that number (or from 0 of no epoch yet)</td>
 * </tr>
 * <tr>
 * <td>NEEDS_BASELINE</td>
 * <td>a message</td>
 * <td>never a gap (applied, but trust waits for the baseline)</td>
 * </tr>
 * <tr>
 * <td>FOLLOWING</td>
 * <td>a message of the known epoch</td>
 * <td>a gap if its number is above the last + 1; the last number moves up</td>
 * </tr>
 * <tr>
 * <td>FOLLOWING</td>
 * <td>a message of an epoch not met</td>
 * <td>a gap if messages of that epoch came before it; follows the new epoch</td>
 * </tr>
 * <tr>
 * <td>FOLLOWING</td>
 * <td>{@link #check} with Redis ahead of the last number</td>
 * <td>expects that number by the next check</td>
 * </tr>
 * <tr>
 * <td>FOLLOWING, expecting n</td>
 * <td>{@link #check}, last number still below n</td>
 * <td>"stalled"; nothing expected</td>
 * </tr>
 * <tr>
 * <td>FOLLOWING</td>
 * <td>{@link #check} with Redis behind the last number</td>
 * <td>remembers that number: messages a read was sent before may arrive before its
 * answer</td>
 * </tr>
 * <tr>
 * <td>FOLLOWING, remembering m</td>
 * <td>{@link #check}, Redis still below m</td>
 * <td>"stalled", from Redis's number: a message claimed a number Redis never reached
 * (forged, or rolled back), which would hide every later gap and confirm trust
 * unearned</td>
 * </tr>
 * <tr>
 * <td>FOLLOWING</td>
 * <td>{@link #check} with a tag state above Redis's number</td>
 * <td>remembers that number as above, whatever epoch the message that raised it named:
 * one Redis still has not reached at the next check is a stall too, after which the
 * subscriber lowers the tag states to Redis's number</td>
 * </tr>
 * <tr>
 * <td>FOLLOWING</td>
 * <td>{@link #check} with a new epoch</td>
 * <td>follows it from its start, expecting what Redis already has</td>
 * </tr>
 * <tr>
 * <td>FOLLOWING</td>
 * <td>{@link #caughtUp} with a read of Redis's sequence</td>
 * <td>whether the last number is at least that read's, in its epoch</td>
 * </tr>
 * </table>
 */
final class SequenceTracker {

	// All guarded by this.
	private boolean subscribedOnce;

	private boolean needsBaseline = true;

	private @Nullable String lastEpoch;

	private long lastSeq;

	/**
	 * A number received that Redis had not reached at the last check, which the next
	 * check must find reached, or -1 for none.
	 */
	private long aheadSeq = -1;

	/** The number the next check expects to have been received, or -1 for none. */
	private long expectedSeq = -1;

	/**
	 * The subscription was confirmed; a baseline must be read before it is trusted.
	 * @return whether this is a re-subscription, after which the local tier must be
	 * cleared
	 */
	synchronized boolean subscribed() {
		this.needsBaseline = true;
		boolean again = this.subscribedOnce;
		this.subscribedOnce = true;
		return again;
	}

	/** Whether a subscription is waiting for its baseline. */
	synchronized boolean awaitsBaseline() {
		return this.needsBaseline && this.subscribedOnce;
	}

	synchronized boolean hasBaseline() {
		return !this.needsBaseline;
	}

	/**
	 * Take where Redis's sequence stands as the baseline, if one is needed.
	 * @param current Redis's sequence, or {@code null} if it has none yet
	 * @return whether the baseline was established now (and the local tier may be
	 * trusted)
	 */
	synchronized boolean baseline(@Nullable SequenceState current) {
		if (!this.needsBaseline) {
			return false;
		}
		this.needsBaseline = false;
		this.expectedSeq = -1;
		this.aheadSeq = -1;
		if (current == null) {
			// No sequence yet: every message of the epoch about to start is expected.
			this.lastEpoch = null;
			this.lastSeq = 0;
		}
		else if (!current.epoch().equals(this.lastEpoch)) {
			this.lastEpoch = current.epoch();
			this.lastSeq = current.seq();
		}
		else {
			// Messages applied since the subscription are at least as recent as the read.
			this.lastSeq = Math.max(this.lastSeq, current.seq());
		}
		return true;
	}

	/**
	 * A message arrived, in the order Redis sent it.
	 * @param epoch its epoch
	 * @param seq its number
	 * @param epochStart the number its epoch started at, 0 if unknown
	 * @return whether messages were lost before it
	 */
	synchronized boolean onMessage(String epoch, long seq, long epochStart) {
		if (this.needsBaseline) {
			return false;
		}
		if (epoch.equals(this.lastEpoch)) {
			boolean gap = seq > this.lastSeq + 1;
			this.lastSeq = Math.max(this.lastSeq, seq);
			return gap;
		}
		// An epoch this process has not met: every message since its start is expected.
		this.lastEpoch = epoch;
		this.lastSeq = seq;
		this.expectedSeq = -1;
		this.aheadSeq = -1;
		return epochStart > 0 && seq > epochStart + 1;
	}

	/**
	 * The periodic read of Redis's sequence.
	 * @param current Redis's sequence
	 * @param highestTagState the highest number a tag state of this process holds
	 * ({@link io.tiercache.store.TagTable#highestInvalidatedSeq()}): a message may have
	 * raised it in an epoch it named and left again, so the sequence followed does not
	 * show it
	 * @return whether messages that should have arrived by now have not, or a number
	 * received is still beyond Redis's
	 */
	synchronized boolean check(SequenceState current, long highestTagState) {
		if (this.needsBaseline) {
			return false;
		}
		if (!current.epoch().equals(this.lastEpoch)) {
			// A new epoch with no message received yet: expect all of them.
			this.lastEpoch = current.epoch();
			this.lastSeq = (current.start() > 0) ? current.start() : current.seq();
			this.expectedSeq = (current.seq() > this.lastSeq) ? current.seq() : -1;
			// Numbers of a real epoch before it are below its start, or soon reached.
			this.aheadSeq = (highestTagState > current.seq()) ? highestTagState : -1;
			return false;
		}
		if (this.aheadSeq >= 0 && current.seq() < this.aheadSeq) {
			// Redis has still not reached a number received before the last check:
			// follow Redis's number, never the message's.
			this.aheadSeq = -1;
			this.expectedSeq = -1;
			this.lastSeq = current.seq();
			return true;
		}
		long highest = Math.max(this.lastSeq, highestTagState);
		this.aheadSeq = (highest > current.seq()) ? highest : -1;
		if (this.expectedSeq >= 0 && this.lastSeq < this.expectedSeq) {
			this.expectedSeq = -1;
			return true;
		}
		this.expectedSeq = (current.seq() > this.lastSeq) ? current.seq() : -1;
		return false;
	}

	/**
	 * Whether this process has caught up with a read of Redis's sequence: every
	 * invalidation of that epoch up to that number received (or its loss noticed, or, up
	 * to a baseline, made moot by the clear that follows it), so that the subscriber may
	 * confirm the local tier as of when the read was sent ([I10]).
	 * @param current Redis's sequence at the read
	 * @return whether it has
	 */
	synchronized boolean caughtUp(SequenceState current) {
		return !this.needsBaseline && current.epoch().equals(this.lastEpoch) && this.lastSeq >= current.seq();
	}

	/** The highest sequence received in {@link #epoch()}. */
	synchronized long lastSequence() {
		return this.lastSeq;
	}

	/** The epoch being followed, {@code null} before the first. */
	synchronized @Nullable String epoch() {
		return this.lastEpoch;
	}

	/**
	 * How many invalidations Redis has published that this process has not received.
	 * @param current Redis's sequence now
	 * @return the lag, 0 if the epochs differ
	 */
	synchronized long lag(SequenceState current) {
		return current.epoch().equals(this.lastEpoch) ? Math.max(0, current.seq() - this.lastSeq) : 0;
	}

}
