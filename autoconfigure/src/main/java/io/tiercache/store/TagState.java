package io.tiercache.store;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * What this process knows of one tag: the highest sequence at which it was invalidated,
 * and whether an invalidation of it made here has not reached Redis yet.
 * <p>
 * Local entries hold their tags' states directly, so checking an entry compares longs and
 * never looks a tag up ([I5] in {@code docs/correctness.md}).
 *
 * @since 0.1.0
 */
public final class TagState {

	private static final AtomicLongFieldUpdater<TagState> INVALIDATED = AtomicLongFieldUpdater
		.newUpdater(TagState.class, "invalidatedSeq");

	private static final AtomicIntegerFieldUpdater<TagState> PENDING = AtomicIntegerFieldUpdater
		.newUpdater(TagState.class, "pending");

	private final String name;

	private volatile long invalidatedSeq;

	private volatile int pending;

	TagState(String name) {
		this.name = name;
	}

	public String name() {
		return this.name;
	}

	/**
	 * Whether an entry loaded at {@code loadSeq} is invalid because of this tag.
	 * @param loadSeq the entry's load sequence
	 * @return whether the tag was invalidated after the load began, or has an
	 * invalidation pending
	 */
	boolean invalidates(long loadSeq) {
		return this.pending != 0 || this.invalidatedSeq > loadSeq;
	}

	/**
	 * Whether an invalidation of this tag made in this process has not reached Redis yet.
	 */
	public boolean isPending() {
		return this.pending != 0;
	}

	/** The highest invalidation sequence seen for this tag. */
	public long invalidatedSeq() {
		return this.invalidatedSeq;
	}

	void advance(long seq) {
		long current;
		do {
			current = this.invalidatedSeq;
			if (seq <= current) {
				return;
			}
		}
		while (!INVALIDATED.compareAndSet(this, current, seq));
	}

	/**
	 * Lower the number to {@code seq} if it is above it: for a number Redis has not
	 * reached (see {@link LocalTrust#distrustAndLowerTagStates}).
	 * @param seq Redis's sequence
	 * @return whether it was lowered
	 */
	boolean lowerTo(long seq) {
		long current;
		do {
			current = this.invalidatedSeq;
			if (current <= seq) {
				return false;
			}
		}
		while (!INVALIDATED.compareAndSet(this, current, seq));
		return true;
	}

	void markPending() {
		PENDING.incrementAndGet(this);
	}

	void clearPending() {
		PENDING.decrementAndGet(this);
	}

	@Override
	public String toString() {
		return this.name + "@" + this.invalidatedSeq + ((this.pending != 0) ? " (pending)" : "");
	}

}
