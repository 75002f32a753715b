package io.tiercache.benchmarks.fanout;

import java.util.concurrent.TimeUnit;

/**
 * What the publisher sends: {@code rate} invalidations a second, numbered from 0, first
 * for the warm-up, then for the measured period. Invalidation {@code i} is due
 * {@code i / rate} seconds after the start, whether or not the previous ones are done.
 *
 * @param rate invalidations per second
 * @param warmupSeconds the warm-up, whose invalidations are counted but not recorded
 * @param seconds the measured period
 */
record Plan(int rate, int warmupSeconds, int seconds) {

	Plan {
		if (rate <= 0 || warmupSeconds < 0 || seconds <= 0) {
			throw new IllegalArgumentException("rate and seconds must be positive, warm-up not negative: " + rate
					+ "/s, " + warmupSeconds + " s warm-up, " + seconds + " s");
		}
	}

	/** The number of the first measured invalidation. */
	int firstMeasured() {
		return this.rate * this.warmupSeconds;
	}

	/** How many invalidations, warm-up and measured. */
	int total() {
		return this.rate * (this.warmupSeconds + this.seconds);
	}

	/** How many invalidations in the measured period. */
	int measured() {
		return total() - firstMeasured();
	}

	boolean isMeasured(int number) {
		return number >= firstMeasured() && number < total();
	}

	/** When an invalidation is due, in nanoseconds after the start. */
	long dueNanos(int number) {
		return number * TimeUnit.SECONDS.toNanos(1) / this.rate;
	}

	/** The plan as the arguments of an instance's command line. */
	String[] arguments() {
		return new String[] { Integer.toString(this.rate), Integer.toString(this.warmupSeconds),
				Integer.toString(this.seconds) };
	}

	static Plan parse(String[] arguments, int from) {
		return new Plan(Integer.parseInt(arguments[from]), Integer.parseInt(arguments[from + 1]),
				Integer.parseInt(arguments[from + 2]));
	}

}
