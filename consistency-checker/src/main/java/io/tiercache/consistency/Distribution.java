package io.tiercache.consistency;

import java.util.Arrays;

/**
 * Percentiles of a set of durations in microseconds, computed exactly from every sample.
 *
 * @param count number of samples
 * @param p50 median
 * @param p99 99th percentile
 * @param max largest sample
 */
record Distribution(long count, long p50, long p99, long max) {

	static final Distribution EMPTY = new Distribution(0, 0, 0, 0);

	static Distribution of(long[] samples, int size) {
		if (size == 0) {
			return EMPTY;
		}
		long[] sorted = Arrays.copyOf(samples, size);
		Arrays.sort(sorted);
		return new Distribution(size, percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[size - 1]);
	}

	private static long percentile(long[] sorted, double fraction) {
		int rank = (int) Math.ceil(fraction * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
	}

	@Override
	public String toString() {
		return (this.count == 0) ? "no samples" : String.format("p50 %d us, p99 %d us, max %d us (%d samples)",
				this.p50, this.p99, this.max, this.count);
	}

}
