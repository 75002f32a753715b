package io.tiercache.benchmarks.fanout;

import java.util.HashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * One line an instance told the driver: a kind ({@code ready}, {@code sent},
 * {@code result}) and {@code name=value} fields.
 *
 * @param kind the first word
 * @param fields the fields by name
 */
record InstanceMessage(String kind, Map<String, String> fields) {

	static InstanceMessage parse(String line) {
		String[] words = line.trim().split(" ");
		Map<String, String> fields = new HashMap<>();
		for (int i = 1; i < words.length; i++) {
			int equals = words[i].indexOf('=');
			if (equals < 0) {
				throw new IllegalArgumentException("Not a name=value field: '" + words[i] + "' in '" + line + "'");
			}
			fields.put(words[i].substring(0, equals), words[i].substring(equals + 1));
		}
		return new InstanceMessage(words[0], fields);
	}

	long number(String name) {
		return Long.parseLong(field(name));
	}

	Histogram histogram(String name) {
		return Histograms.decode(field(name));
	}

	private String field(String name) {
		String value = this.fields.get(name);
		if (value == null) {
			throw new IllegalArgumentException("No field '" + name + "' in " + this);
		}
		return value;
	}

}
