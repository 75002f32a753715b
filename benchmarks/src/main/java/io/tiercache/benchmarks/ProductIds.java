package io.tiercache.benchmarks;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The keys of the hit benchmarks: {@link #COUNT} ids, preloaded by each benchmark's setup
 * and cycled through so that every operation looks up another key and still hits. The ids
 * start above 127 so that every one is boxed into a new {@code Long} where an API takes
 * an object, as a real id would be.
 */
@State(Scope.Thread)
public class ProductIds {

	/** Number of distinct ids; a power of two. */
	public static final int COUNT = 1024;

	/** The first id. */
	public static final long FIRST = 100_000;

	private int next;

	/**
	 * The next id, wrapping around after the last one.
	 * @return the id
	 */
	public long next() {
		return FIRST + (this.next++ & (COUNT - 1));
	}

	/**
	 * An id by index.
	 * @param index from 0 to {@link #COUNT} - 1
	 * @return the id
	 */
	public static long id(int index) {
		return FIRST + index;
	}

}
