package io.tiercache.benchmarks.load;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ranks 0 to n-1 drawn with probability proportional to {@code 1 / (rank + 1)^s}: a few
 * products get most of the traffic, as in every shop. Used by the load generator and by
 * {@code MixedWorkloadBenchmark}.
 */
public final class Zipf {

	private final double[] cumulative;

	/**
	 * A distribution over {@code n} ranks.
	 * @param n the number of ranks
	 * @param s the exponent: 1 is the classic Zipf law, 0 is uniform
	 */
	public Zipf(int n, double s) {
		this.cumulative = new double[n];
		double sum = 0;
		for (int rank = 0; rank < n; rank++) {
			sum += 1 / Math.pow(rank + 1, s);
			this.cumulative[rank] = sum;
		}
		for (int rank = 0; rank < n; rank++) {
			this.cumulative[rank] /= sum;
		}
	}

	/**
	 * Draw a rank, from {@link ThreadLocalRandom}: safe to call from several threads.
	 * @return the rank, 0 (the most frequent) to n-1
	 */
	public int next() {
		int found = Arrays.binarySearch(this.cumulative, ThreadLocalRandom.current().nextDouble());
		return Math.min((found >= 0) ? found : -found - 1, this.cumulative.length - 1);
	}

}
