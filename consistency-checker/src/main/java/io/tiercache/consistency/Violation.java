package io.tiercache.consistency;

import org.jspecify.annotations.Nullable;

/**
 * A read the library's guarantee forbids (or, for {@link Kind#RETRY_WINDOW}, one it only
 * just admits), with the write it contradicts and a history excerpt to judge it by.
 *
 * @param kind what is wrong with the read
 * @param readKind {@link ThreadHistory#GET} or {@link ThreadHistory#LIST}
 * @param instance the instance that read
 * @param thread the worker thread, within its instance
 * @param item the item read
 * @param version the version the read returned
 * @param start when the read began
 * @param end when it returned
 * @param write the write it contradicts
 * @param excerpt the history around them, filled in for the first few violations only,
 * else {@code null}
 */
record Violation(Kind kind, int readKind, int instance, int thread, int item, long version, long start, long end,
		WriteCoverage write, @Nullable String excerpt) {

	/** What is wrong with a read. */
	enum Kind {

		/**
		 * It returned an older version than a write that had ended before it began and
		 * whose invalidation had already reached the reading instance (or that never
		 * did).
		 */
		STALE,
		/** It returned a version whose write began only after the read had ended. */
		FUTURE,
		/**
		 * Not a violation: it returned an older version than a write that had ended,
		 * while that write's invalidation waited for a retry. Admitted by the design (the
		 * invalidation had not reached Redis, so the shared tier still held the old
		 * value), and shown because it is the longest window the design admits.
		 */
		RETRY_WINDOW

	}

	Violation withExcerpt(String excerpt) {
		return new Violation(this.kind, this.readKind, this.instance, this.thread, this.item, this.version, this.start,
				this.end, this.write, excerpt);
	}

}
