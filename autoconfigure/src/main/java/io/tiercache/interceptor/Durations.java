package io.tiercache.interceptor;

import java.time.Duration;

import io.tiercache.store.Jitter;

import org.springframework.format.annotation.DurationFormat.Style;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.StringUtils;

/**
 * Parses the durations and jitters that {@link io.tiercache.annotation.Cached @Cached}
 * attributes and {@code tiercache.*} properties give as text, in the formats of Spring
 * Boot's duration properties: simple ({@code "10m"}, {@code "500ms"}, a bare number of
 * milliseconds) or ISO-8601 ({@code "PT10M"}).
 *
 * @since 0.1.0
 */
public final class Durations {

	private Durations() {
	}

	/**
	 * Parse a duration.
	 * @param what what the duration is, for the message
	 * @param text the text
	 * @return the duration
	 * @throws IllegalArgumentException naming {@code what} if the text is not a duration
	 * or is negative
	 */
	public static Duration parse(String what, String text) {
		if (!StringUtils.hasText(text)) {
			throw new IllegalArgumentException(what + " must not be empty");
		}
		Duration duration;
		try {
			String trimmed = text.trim();
			Style style = DurationFormatterUtils.detect(trimmed);
			// Not the composite style ("1h30m"): a property of type Duration does not
			// accept it
			if (style == Style.COMPOSITE) {
				throw new IllegalArgumentException("Composite duration " + trimmed);
			}
			duration = DurationFormatterUtils.parse(trimmed, style);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					what + " '" + text + "' is not a duration such as '10m', '30s' or 'PT1H'");
		}
		if (duration.isNegative()) {
			throw new IllegalArgumentException(what + " '" + text + "' must not be negative");
		}
		return duration;
	}

	/**
	 * Parse a jitter: a percentage of the time to live such as {@code "10%"} or a
	 * duration such as {@code "30s"}.
	 * @param text the text
	 * @return the jitter
	 * @throws IllegalArgumentException if the text is neither, or is negative, or above
	 * 100%
	 */
	public static Jitter parseJitter(String text) {
		String trimmed = text.trim();
		if (!trimmed.endsWith("%")) {
			return Jitter.of(parse("jitter", text));
		}
		double percent;
		try {
			percent = Double.parseDouble(trimmed.substring(0, trimmed.length() - 1).trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("jitter '" + text + "' is not a percentage such as '10%'");
		}
		// Checked here too, so that the message quotes the text as written
		if (!(percent >= 0 && percent <= 100)) {
			throw new IllegalArgumentException("jitter '" + text + "' must be between 0% and 100%");
		}
		return Jitter.ofPercent(percent);
	}

}
