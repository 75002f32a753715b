package io.tiercache.consistency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.tiercache.store.LocalTrust.ClearReason;

/**
 * The instances' event logs, indexed for the questions the analysis asks: when did
 * instance I apply invalidation (epoch, seq); by when had that invalidation certainly
 * been published; what was the first clear of instance I at or after a given time; which
 * retried invalidations did instance I publish for an item.
 * <p>
 * "Certainly published": the invalidate script increments the sequence and publishes in
 * one atomic step, so messages of an epoch leave in sequence order. Any apply, anywhere,
 * of a sequence {@code s' >= s} of the same epoch therefore happened after {@code s} was
 * published; the earliest such apply bounds the publication from above. Only a clear
 * after the publication can stand in for a lost message (a clear before it lets an old
 * value be loaded again), so clears are counted from that bound.
 */
final class InvalidationIndex {

	private static final int SEQ_BITS = 44;

	private final List<Map<Long, Long>> applied = new ArrayList<>();

	private final Map<Integer, long[][]> publishedBy = new HashMap<>();

	private final long[][] clearTimes;

	private final ClearReason[][] clearReasons;

	private final Map<Long, List<EventLog.Apply>> retries = new HashMap<>();

	InvalidationIndex(List<EventLog.Snapshot> logs) {
		this.clearTimes = new long[logs.size()][];
		this.clearReasons = new ClearReason[logs.size()][];
		Map<Integer, TreeMap<Long, Long>> firstApplies = new HashMap<>();
		for (int instance = 0; instance < logs.size(); instance++) {
			EventLog.Snapshot log = logs.get(instance);
			Map<Long, Long> applied = new HashMap<>();
			for (EventLog.Apply apply : log.applies()) {
				applied.merge(key(apply.epoch(), apply.seq()), apply.time(), Math::min);
				firstApplies.computeIfAbsent(apply.epoch(), (epoch) -> new TreeMap<>())
					.merge(apply.seq(), apply.time(), Math::min);
				if (apply.source() == EventLog.Source.RETRY && apply.item() >= 0) {
					this.retries.computeIfAbsent(retryKey(instance, apply.item()), (key) -> new ArrayList<>())
						.add(apply);
				}
			}
			this.applied.add(applied);
			List<EventLog.Clear> clears = new ArrayList<>(log.clears());
			clears.sort((a, b) -> Long.compare(a.time(), b.time()));
			this.clearTimes[instance] = clears.stream().mapToLong(EventLog.Clear::time).toArray();
			this.clearReasons[instance] = clears.stream().map(EventLog.Clear::reason).toArray(ClearReason[]::new);
		}
		firstApplies.forEach((epoch, seqs) -> this.publishedBy.put(epoch, suffixMinimum(seqs)));
		this.retries.values().forEach((list) -> list.sort((a, b) -> Long.compare(a.time(), b.time())));
	}

	private static long[][] suffixMinimum(TreeMap<Long, Long> firstApplies) {
		long[] seqs = new long[firstApplies.size()];
		long[] times = new long[firstApplies.size()];
		int i = 0;
		for (Map.Entry<Long, Long> entry : firstApplies.entrySet()) {
			seqs[i] = entry.getKey();
			times[i] = entry.getValue();
			i++;
		}
		for (int j = times.length - 2; j >= 0; j--) {
			times[j] = Math.min(times[j], times[j + 1]);
		}
		return new long[][] { seqs, times };
	}

	/**
	 * When an instance applied an invalidation.
	 * @return the time, or {@link Long#MAX_VALUE} if it never did
	 */
	long appliedAt(int instance, int epoch, long seq) {
		Long time = this.applied.get(instance).get(key(epoch, seq));
		return (time != null) ? time : Long.MAX_VALUE;
	}

	/**
	 * A time by which the invalidation had certainly been published: see the class
	 * comment.
	 * @return the time, or {@link Long#MAX_VALUE} if nothing shows it was
	 */
	long publishedBy(int epoch, long seq) {
		long[][] index = this.publishedBy.get(epoch);
		if (index == null) {
			return Long.MAX_VALUE;
		}
		int i = Arrays.binarySearch(index[0], seq);
		if (i < 0) {
			i = -i - 1;
		}
		return (i < index[0].length) ? index[1][i] : Long.MAX_VALUE;
	}

	/**
	 * The first clear of an instance at or after a time.
	 * @return its index, or -1 if there is none
	 */
	int firstClearAtOrAfter(int instance, long time) {
		if (time == Long.MAX_VALUE) {
			return -1;
		}
		long[] times = this.clearTimes[instance];
		int i = Arrays.binarySearch(times, time);
		if (i < 0) {
			i = -i - 1;
		}
		else {
			while (i > 0 && times[i - 1] == time) {
				i--;
			}
		}
		return (i < times.length) ? i : -1;
	}

	long clearTime(int instance, int index) {
		return this.clearTimes[instance][index];
	}

	ClearReason clearReason(int instance, int index) {
		return this.clearReasons[instance][index];
	}

	/**
	 * The invalidations of an item that an instance published on a retry, in time order.
	 */
	List<EventLog.Apply> retries(int instance, int item) {
		return this.retries.getOrDefault(retryKey(instance, item), List.of());
	}

	int instances() {
		return this.applied.size();
	}

	private static long key(int epoch, long seq) {
		if (seq < 0 || seq >= (1L << SEQ_BITS)) {
			throw new IllegalStateException("Sequence out of range: " + seq);
		}
		return ((long) epoch << SEQ_BITS) | seq;
	}

	private static long retryKey(int instance, int item) {
		return ((long) instance << 32) | item;
	}

}
