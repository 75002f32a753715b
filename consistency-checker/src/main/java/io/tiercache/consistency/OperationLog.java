package io.tiercache.consistency;

import java.util.List;

/**
 * Where a {@link Worker} records what it did: in memory for instances in the checker's
 * JVM ({@link ThreadHistory}), or streamed to a file by an instance running as a process
 * of its own ({@link HistoryFile.Writer}). Times are {@link System#nanoTime()}, taken
 * right before the call and right after it returned.
 */
interface OperationLog {

	void get(Item item, long start, long end);

	void list(List<Item> items, long start, long end);

	/**
	 * A write that returned.
	 * @param item the item
	 * @param version the version it created
	 * @param start before the call
	 * @param end after it returned
	 * @param capture the invalidation applied in the writer's thread, if any
	 */
	void write(int item, long version, long start, long end, WriteCapture capture);

	void failed(RuntimeException failure);

}
