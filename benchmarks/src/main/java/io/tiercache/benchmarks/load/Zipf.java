package io.tiercache.benchmarks.load;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ranks 0 to n-1 drawn with probability proportional to {@code 1 / (rank + 1)^s}: a few
 * products get most of the traffic, as in every shop.
 */
final class Zipf {

	private final double[] cumulative;

	Zipf(int n, double s) {
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

	int next() {
		int found = Arrays.binarySearch(this.cumulative, ThreadLocalRandom.current().nextDouble());
		return Math.min((found >= 0) ? found : -found - 1, this.cumulative.length - 1);
	}

}
