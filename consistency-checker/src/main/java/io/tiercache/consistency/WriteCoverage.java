package io.tiercache.consistency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each write stopped being allowed to look stale on each instance: its coverage.
 * <p>
 * A write is tied to the invalidation that announced it: the one its own thread applied
 * before returning, or, if that attempt failed and was queued, the retry that later
 * reached Redis. Retries of one instance are published in the order they were queued, so
 * the k-th failed write of an item on an instance is matched with the k-th retried
 * invalidation of that item there. A retried write is covered only from its retry: the
 * library admits that other processes serve the old value until then (README, "Guarantees
 * and their limits").
 * <p>
 * The coverage of a write on an instance is the earlier of: the instance applied the
 * write's invalidation; the instance cleared its whole local tier after that invalidation
 * was certainly published ({@link InvalidationIndex#publishedBy}). If neither happened
 * the coverage is unknown, and any stale read after the write ended counts against the
 * library.
 */
final class WriteCoverage {

	static final long UNKNOWN = Long.MAX_VALUE;

	/** What covered a write on an instance. */
	enum Cause {

		/** The instance applied the write's invalidation. */
		APPLY,
		/** The instance cleared its local tier after the invalidation was published. */
		CLEAR,
		/** Nothing did. */
		NONE

	}

	private final WriteOp write;

	private final int epoch;

	private final long seq;

	private final boolean retried;

	private final long publishedBy;

	private final long[] coveredAt;

	private final Cause[] causes;

	private final int[] clearIndexes;

	private WriteCoverage(WriteOp write, int epoch, long seq, boolean retried, InvalidationIndex index) {
		this.write = write;
		this.epoch = epoch;
		this.seq = seq;
		this.retried = retried;
		int instances = index.instances();
		this.coveredAt = new long[instances];
		this.causes = new Cause[instances];
		this.clearIndexes = new int[instances];
		this.publishedBy = (epoch >= 0) ? index.publishedBy(epoch, seq) : UNKNOWN;
		for (int instance = 0; instance < instances; instance++) {
			long applied = (epoch >= 0) ? index.appliedAt(instance, epoch, seq) : UNKNOWN;
			int clear = index.firstClearAtOrAfter(instance, this.publishedBy);
			long cleared = (clear >= 0) ? index.clearTime(instance, clear) : UNKNOWN;
			this.clearIndexes[instance] = clear;
			if (applied == UNKNOWN && cleared == UNKNOWN) {
				this.coveredAt[instance] = UNKNOWN;
				this.causes[instance] = Cause.NONE;
			}
			else if (applied <= cleared) {
				this.coveredAt[instance] = applied;
				this.causes[instance] = Cause.APPLY;
			}
			else {
				this.coveredAt[instance] = cleared;
				this.causes[instance] = Cause.CLEAR;
			}
		}
	}

	/**
	 * Tie every write to its invalidation and compute its coverage on every instance.
	 * @param writes the writes
	 * @param index the instances' events
	 * @return one coverage per write, in the order of {@code writes}
	 */
	static List<WriteCoverage> of(List<WriteOp> writes, InvalidationIndex index) {
		Map<WriteOp, EventLog.Apply> retriesByWrite = matchRetries(writes, index);
		List<WriteCoverage> coverages = new ArrayList<>(writes.size());
		for (WriteOp write : writes) {
			if (write.invalidatedInThread()) {
				coverages.add(new WriteCoverage(write, write.epoch(), write.seq(), false, index));
			}
			else {
				EventLog.Apply retry = retriesByWrite.get(write);
				coverages.add((retry != null) ? new WriteCoverage(write, retry.epoch(), retry.seq(), true, index)
						: new WriteCoverage(write, -1, 0, true, index));
			}
		}
		return coverages;
	}

	private static Map<WriteOp, EventLog.Apply> matchRetries(List<WriteOp> writes, InvalidationIndex index) {
		Map<Long, List<WriteOp>> failed = new HashMap<>();
		for (WriteOp write : writes) {
			if (!write.invalidatedInThread()) {
				failed.computeIfAbsent(((long) write.instance() << 32) | write.item(), (key) -> new ArrayList<>())
					.add(write);
			}
		}
		Map<WriteOp, EventLog.Apply> matched = new HashMap<>();
		failed.forEach((key, list) -> {
			list.sort(Comparator.comparingLong(WriteOp::end));
			List<EventLog.Apply> retries = index.retries(list.get(0).instance(), list.get(0).item());
			int r = 0;
			for (WriteOp write : list) {
				while (r < retries.size() && retries.get(r).time() < write.start()) {
					r++;
				}
				if (r < retries.size()) {
					matched.put(write, retries.get(r++));
				}
			}
		});
		return matched;
	}

	WriteOp write() {
		return this.write;
	}

	/** Epoch id of the write's invalidation, or -1 if it never reached Redis. */
	int epoch() {
		return this.epoch;
	}

	long seq() {
		return this.seq;
	}

	/** Whether the write's own attempt to invalidate failed, so a retry announced it. */
	boolean retried() {
		return this.retried;
	}

	long publishedBy() {
		return this.publishedBy;
	}

	long coveredAt(int instance) {
		return this.coveredAt[instance];
	}

	Cause cause(int instance) {
		return this.causes[instance];
	}

	/** Index of the covering clear (see {@link InvalidationIndex#clearTime}), or -1. */
	int clearIndex(int instance) {
		return this.clearIndexes[instance];
	}

	/**
	 * From when a read on the instance must see this write: once the write has returned
	 * and the instance is covered; from the write's end if the coverage is unknown.
	 */
	long mustBeSeenFrom(int instance) {
		long covered = this.coveredAt[instance];
		return (covered == UNKNOWN) ? this.write.end() : Math.max(this.write.end(), covered);
	}

}
