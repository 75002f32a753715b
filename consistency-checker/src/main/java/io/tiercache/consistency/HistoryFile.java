package io.tiercache.consistency;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The history of one worker thread of an instance that runs as a process of its own,
 * streamed to a file as it happens: that process may be killed with {@code SIGKILL} at
 * any moment, and the parent reads what it left. Each record is a kind byte then longs: a
 * get ({@code start, end, item, version}), a list ({@code start, end, count}, then
 * {@code item, version} per item), a write ({@code start, end, item, version}) or a
 * failure. A thread flushes its buffer when {@link #FLUSH_NANOS} have passed since it
 * last did, so a killed process loses only its last few milliseconds, and a record cut
 * short by the kill is ignored.
 */
final class HistoryFile {

	private static final byte GET = 1;

	private static final byte LIST = 2;

	private static final byte WRITE = 3;

	private static final byte FAILURE = 4;

	/** At most this much of a killed process's history is lost: 20 ms. */
	private static final long FLUSH_NANOS = 20_000_000L;

	/** Receives the records of a file, in order. */
	interface Visitor {

		void read(int item, long version, long start, long end);

		void write(int item, long version, long start, long end);

		void failed();

	}

	private HistoryFile() {
	}

	/**
	 * Read every complete record of a file.
	 * @param file the file
	 * @param visitor receives them
	 */
	static void read(Path file, Visitor visitor) {
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
			while (true) {
				int kind = in.read();
				if (kind < 0) {
					return;
				}
				long start = in.readLong();
				long end = in.readLong();
				switch (kind) {
					case GET -> visitor.read((int) in.readLong(), in.readLong(), start, end);
					case WRITE -> visitor.write((int) in.readLong(), in.readLong(), start, end);
					case LIST -> readList(in, visitor, start, end);
					case FAILURE -> visitor.failed();
					default -> throw new IllegalStateException("Corrupt history file " + file + ": kind " + kind);
				}
			}
		}
		catch (EOFException ex) {
			// The process was killed in the middle of a record: the rest of it is lost.
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read history file " + file, ex);
		}
	}

	private static void readList(DataInputStream in, Visitor visitor, long start, long end) throws IOException {
		long count = in.readLong();
		// Read the whole list before reporting any of it: a list cut short is not a read.
		long[] items = new long[(int) count * 2];
		for (int i = 0; i < items.length; i++) {
			items[i] = in.readLong();
		}
		for (int i = 0; i < items.length; i += 2) {
			visitor.read((int) items[i], items[i + 1], start, end);
		}
	}

	/** Streams one worker thread's operations; used by that thread only. */
	static final class Writer implements OperationLog, AutoCloseable {

		private final DataOutputStream out;

		private long lastFlush = System.nanoTime();

		Writer(Path file) {
			try {
				this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not create history file " + file, ex);
			}
		}

		@Override
		public void get(Item item, long start, long end) {
			record(GET, start, end);
			put(item.id());
			put(item.version());
			flushIfDue();
		}

		@Override
		public void list(List<Item> items, long start, long end) {
			record(LIST, start, end);
			put(items.size());
			for (Item item : items) {
				put(item.id());
				put(item.version());
			}
			flushIfDue();
		}

		@Override
		public void write(int item, long version, long start, long end, WriteCapture capture) {
			record(WRITE, start, end);
			put(item);
			put(version);
			flushIfDue();
		}

		@Override
		public void failed(RuntimeException failure) {
			long now = System.nanoTime();
			record(FAILURE, now, now);
			flushIfDue();
		}

		private void record(byte kind, long start, long end) {
			try {
				this.out.writeByte(kind);
				this.out.writeLong(start);
				this.out.writeLong(end);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private void put(long value) {
			try {
				this.out.writeLong(value);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private void flushIfDue() {
			long now = System.nanoTime();
			if (now - this.lastFlush >= FLUSH_NANOS) {
				flush();
				this.lastFlush = now;
			}
		}

		private void flush() {
			try {
				this.out.flush();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void close() {
			try {
				this.out.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
