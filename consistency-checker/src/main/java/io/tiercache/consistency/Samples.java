package io.tiercache.consistency;

import java.util.Arrays;

/** A growable array of longs, for collecting samples without boxing them. */
final class Samples {

	private long[] values = new long[1024];

	private int size;

	void add(long value) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = value;
	}

	Distribution distribution() {
		return Distribution.of(this.values, this.size);
	}

}
