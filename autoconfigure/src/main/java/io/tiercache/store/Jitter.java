package io.tiercache.store;

import java.time.Duration;
import java.util.Objects;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.StringUtils;

/**
 * Random amount taken off a time to live so that entries loaded together do not expire
 * together: either a fixed duration or a fraction of the time to live.
 * <p>
 * {@link #apply(Duration, double)} returns a time to live in {@code [ttl - jitter, ttl]}; the
 * amount taken off never exceeds the time to live itself.
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
	 * Parse a jitter: a percentage such as {@code "10%"} or a duration such as {@code "30s"}.
	 * @param text the text to parse
	 * @return the jitter
	 * @throws IllegalArgumentException if the text is neither, or is negative, or above 100%
	 */
	public static Jitter parse(String text) {
		String trimmed = text.trim();
		if (trimmed.endsWith("%")) {
			double percent;
			try {
				percent = Double.parseDouble(trimmed.substring(0, trimmed.length() - 1).trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("jitter '" + text + "' is not a percentage such as '10%'");
			}
			if (!(percent >= 0 && percent <= 100)) {
				throw new IllegalArgumentException("jitter '" + text + "' must be between 0% and 100%");
			}
			return (percent == 0) ? NONE : new Jitter(Duration.ZERO, percent / 100);
		}
		return of(parseDuration("jitter", text));
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
	 * Parse a duration in Spring Boot's formats ({@code "10m"}, {@code "PT10M"}, {@code "500ms"}).
	 * @param what what the duration is, for the message
	 * @param text the text
	 * @return the duration
	 * @throws IllegalArgumentException naming {@code what} if the text is not a duration or is
	 * negative
	 */
	public static Duration parseDuration(String what, String text) {
		if (!StringUtils.hasText(text)) {
			throw new IllegalArgumentException(what + " must not be empty");
		}
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(text.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(what + " '" + text + "' is not a duration such as '10m', '30s' or 'PT1H'");
		}
		if (duration.isNegative()) {
			throw new IllegalArgumentException(what + " '" + text + "' must not be negative");
		}
		return duration;
	}

	/**
	 * The largest amount this jitter may take off the given time to live.
	 * @param ttl the time to live
	 * @return the maximum reduction, never more than {@code ttl}
	 */
	public Duration maxReduction(Duration ttl) {
		Duration reduction = (this.fraction > 0) ? Duration.ofNanos((long) (ttl.toNanos() * this.fraction)) : this.amount;
		return (reduction.compareTo(ttl) > 0) ? ttl : reduction;
	}

	/**
	 * Apply the jitter.
	 * @param ttl the time to live
	 * @param random a uniformly distributed number in {@code [0, 1)}
	 * @return a time to live in {@code [ttl - maxReduction(ttl), ttl]}, at least one millisecond
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
	 * Whether this jitter is larger than the given time to live (only possible for a fixed
	 * duration).
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
