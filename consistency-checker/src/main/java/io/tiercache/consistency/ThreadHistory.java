package io.tiercache.consistency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The operations of one worker thread, written by that thread only and read after it
 * ended. Reads are by far the most numerous operations, so they are packed into a
 * growable {@code long[]}: a header (kind and number of items), start, end, then one
 * {@code item << 32 | version} per item read. A list read is one entry holding every item
 * it returned, each of which counts as a read of that item.
 */
final class ThreadHistory implements OperationLog {

	static final int GET = 0;

	static final int LIST = 1;

	/** Visits the item reads of a history. */
	@FunctionalInterface
	interface ReadVisitor {

		void read(int kind, int instance, int thread, int item, long version, long start, long end);

	}

	private final int instance;

	private final int thread;

	private long[] reads = new long[1 << 12];

	private int size;

	private final List<WriteOp> writes = new ArrayList<>();

	private long gets;

	private long lists;

	private long itemReads;

	private long failures;

	private @Nullable RuntimeException firstFailure;

	ThreadHistory(int instance, int thread) {
		this.instance = instance;
		this.thread = thread;
	}

	int instance() {
		return this.instance;
	}

	int thread() {
		return this.thread;
	}

	@Override
	public void get(Item item, long start, long end) {
		ensure(4);
		this.reads[this.size++] = header(GET, 1);
		this.reads[this.size++] = start;
		this.reads[this.size++] = end;
		this.reads[this.size++] = pack(item);
		this.gets++;
		this.itemReads++;
	}

	@Override
	public void list(List<Item> items, long start, long end) {
		ensure(3 + items.size());
		this.reads[this.size++] = header(LIST, items.size());
		this.reads[this.size++] = start;
		this.reads[this.size++] = end;
		for (Item item : items) {
			this.reads[this.size++] = pack(item);
		}
		this.lists++;
		this.itemReads += items.size();
	}

	void write(WriteOp write) {
		this.writes.add(write);
	}

	@Override
	public void write(int item, long version, long start, long end, WriteCapture capture) {
		write(new WriteOp(this.instance, this.thread, item, start, end, version, capture.epoch(), capture.seq(),
				capture.appliedAt()));
	}

	@Override
	public void failed(RuntimeException failure) {
		if (this.firstFailure == null) {
			this.firstFailure = failure;
		}
		this.failures++;
	}

	void forEachRead(ReadVisitor visitor) {
		int i = 0;
		while (i < this.size) {
			long header = this.reads[i];
			int kind = (int) (header >>> 32);
			int count = (int) header;
			long start = this.reads[i + 1];
			long end = this.reads[i + 2];
			for (int n = 0; n < count; n++) {
				long packed = this.reads[i + 3 + n];
				visitor.read(kind, this.instance, this.thread, (int) (packed >>> 32), packed & 0xFFFFFFFFL, start, end);
			}
			i += 3 + count;
		}
	}

	List<WriteOp> writes() {
		return this.writes;
	}

	long gets() {
		return this.gets;
	}

	long lists() {
		return this.lists;
	}

	long itemReads() {
		return this.itemReads;
	}

	long failures() {
		return this.failures;
	}

	@Nullable RuntimeException firstFailure() {
		return this.firstFailure;
	}

	private void ensure(int more) {
		if (this.size + more > this.reads.length) {
			this.reads = Arrays.copyOf(this.reads, Math.max(this.reads.length * 2, this.size + more));
		}
	}

	private static long header(int kind, int count) {
		return ((long) kind << 32) | count;
	}

	private static long pack(Item item) {
		return (item.id() << 32) | (item.version() & 0xFFFFFFFFL);
	}

}
