package io.tiercache.consistency;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One worker thread of one instance: picks a random item and reads it, reads its bucket
 * as a list, or increments it, until the deadline, recording every operation with
 * {@link System#nanoTime()} taken right before the call and right after it returns.
 */
final class Worker implements Runnable {

	/**
	 * Share of reads that are single gets; the rest are bucket lists (70% / 20% of all).
	 */
	private static final double GET_SHARE_OF_READS = 7.0 / 9.0;

	private final ItemService service;

	private final OperationLog history;

	private final CheckerOptions options;

	private final long deadline;

	private volatile boolean stopped;

	Worker(ItemService service, OperationLog history, CheckerOptions options, long deadline) {
		this.service = service;
		this.history = history;
		this.options = options;
		this.deadline = deadline;
	}

	@Override
	public void run() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		double writeRatio = this.options.writeRatio();
		double getBound = writeRatio + (1 - writeRatio) * GET_SHARE_OF_READS;
		while (System.nanoTime() - this.deadline < 0 && !this.stopped) {
			int id = random.nextInt(this.options.keyspace());
			double choice = random.nextDouble();
			try {
				if (choice < writeRatio) {
					write(id);
				}
				else if (choice < getBound) {
					get(id);
				}
				else {
					list(id % this.options.buckets());
				}
			}
			catch (RuntimeException ex) {
				this.history.failed(ex);
			}
		}
	}

	private void get(int id) {
		long start = System.nanoTime();
		Item item = this.service.get(id);
		long end = System.nanoTime();
		this.history.get(item, start, end);
	}

	private void list(int bucket) {
		long start = System.nanoTime();
		List<Item> items = this.service.bucket(bucket);
		long end = System.nanoTime();
		this.history.list(items, start, end);
	}

	private void write(int id) {
		WriteCapture capture = WriteCapture.open();
		long start;
		long end;
		long version;
		try {
			start = System.nanoTime();
			version = this.service.increment(id);
			end = System.nanoTime();
		}
		finally {
			WriteCapture.close();
		}
		this.history.write(id, version, start, end, capture);
	}

	/** Stop before the deadline, after the operation under way. */
	void stop() {
		this.stopped = true;
	}

}
