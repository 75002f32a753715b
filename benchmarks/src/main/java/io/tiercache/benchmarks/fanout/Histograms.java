package io.tiercache.benchmarks.fanout;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * Histograms of nanoseconds: how an instance hands them to the driver on one line of
 * text, and how the driver prints them in microseconds.
 */
final class Histograms {

	private Histograms() {
	}

	/**
	 * An empty histogram of nanoseconds, three significant digits, that grows to hold
	 * whatever it records: a delay of seconds must be recorded, not refused.
	 * @return the histogram
	 */
	static Histogram nanos() {
		return new Histogram(3);
	}

	static String encode(Histogram histogram) {
		ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
		int length = histogram.encodeIntoCompressedByteBuffer(buffer);
		return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
	}

	static Histogram decode(String text) {
		try {
			return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
		}
		catch (DataFormatException ex) {
			throw new IllegalArgumentException("Not a compressed histogram: " + text, ex);
		}
	}

	/**
	 * A percentile in microseconds, one decimal.
	 * @param histogram the histogram, in nanoseconds
	 * @param percentile the percentile, 0 to 100
	 * @return the text
	 */
	static String micros(Histogram histogram, double percentile) {
		return micros(histogram.getValueAtPercentile(percentile));
	}

	static String micros(long nanos) {
		return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
	}

	/**
	 * The percentiles of the table, in microseconds.
	 * @param histogram the histogram, in nanoseconds
	 * @return p50, p90, p99, p99.9 and max, as cells of a Markdown table
	 */
	static String cells(Histogram histogram) {
		if (histogram.getTotalCount() == 0) {
			return "- | - | - | - | -";
		}
		return String.join(" | ", micros(histogram, 50), micros(histogram, 90), micros(histogram, 99),
				micros(histogram, 99.9), micros(histogram.getMaxValue()));
	}

}
