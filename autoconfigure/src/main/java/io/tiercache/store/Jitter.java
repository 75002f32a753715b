package io.tiercache.store;

import java.time.Duration;
import java.util.Objects;

/**
 * Random amount taken off a time to live so that entries loaded together do not expire
 * together: either a fixed duration or a fraction of the time to live. Text such as
 * {@code "10%"} or {@code "30s"} is parsed by {@code io.tiercache.interceptor.Durations}.
 * <p>
 * {@link #apply(Duration, double)} returns a time to live in {@code [ttl - jitter, ttl]};
 * the amount taken off never exceeds the time to live itself.
 *
 * @since 0.1.0
 */
public final class Jitter {

	/** No jitter: every entry lives exactly its time to live. */
	public static final Jitter NONE = new Jitter(Duration.ZERO, 0);

	private final Duration amount;

	private final double fraction;

	private Jitter(Duration amount, double fraction) {
		this.amount = amount;
		this.fraction = fraction;
	}

	/**
	 * A jitter of a fixed duration.
	 * @param amount the most taken off a time to live
	 * @return the jitter
	 * @throws IllegalArgumentException if the amount is negative
	 */
	public static Jitter of(Duration amount) {
		if (amount.isNegative()) {
			throw new IllegalArgumentException("jitter '" + amount + "' must not be negative");
		}
		return amount.isZero() ? NONE : new Jitter(amount, 0);
	}

	/**
	 * A jitter of a fraction of the time to live.
	 * @param percent the most taken off a time to live, in percent of it
	 * @return the jitter
	 * @throws IllegalArgumentException if the percentage is not between 0 and 100
	 */
	public static Jitter ofPercent(double percent) {
		if (!(percent >= 0 && percent <= 100)) {
			throw new IllegalArgumentException("jitter " + percent + "% must be between 0% and 100%");
		}
		return (percent == 0) ? NONE : new Jitter(Duration.ZERO, percent / 100);
	}

	/**
	 * The largest amount this jitter may take off the given time to live.
	 * @param ttl the time to live
	 * @return the maximum reduction, never more than {@code ttl}
	 */
	public Duration maxReduction(Duration ttl) {
		Duration reduction = (this.fraction > 0) ? Duration.ofNanos((long) (ttl.toNanos() * this.fraction))
				: this.amount;
		return (reduction.compareTo(ttl) > 0) ? ttl : reduction;
	}

	/**
	 * Apply the jitter.
	 * @param ttl the time to live
	 * @param random a uniformly distributed number in {@code [0, 1)}
	 * @return a time to live in {@code [ttl - maxReduction(ttl), ttl]}, at least one
	 * millisecond
	 */
	public Duration apply(Duration ttl, double random) {
		if (this == NONE) {
			return ttl;
		}
		long reductionNanos = (long) (maxReduction(ttl).toNanos() * random);
		Duration jittered = ttl.minusNanos(reductionNanos);
		return (jittered.toMillis() < 1) ? Duration.ofMillis(1) : jittered;
	}

	/**
	 * Whether this jitter is larger than the given time to live (only possible for a
	 * fixed duration).
	 * @param ttl the time to live
	 * @return whether the fixed amount exceeds {@code ttl}
	 */
	public boolean exceeds(Duration ttl) {
		return this.fraction == 0 && this.amount.compareTo(ttl) > 0;
	}

	@Override
	public boolean equals(Object other) {
		return (this == other) || (other instanceof Jitter that && this.amount.equals(that.amount)
				&& Double.compare(this.fraction, that.fraction) == 0);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.amount, this.fraction);
	}

	@Override
	public String toString() {
		return (this.fraction > 0) ? (this.fraction * 100) + "%" : this.amount.toString();
	}

}
