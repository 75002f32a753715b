package io.tiercache.benchmarks;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The "database" of {@code MixedWorkloadBenchmark}: {@code size} products in memory,
 * shared by every application instance of a trial, whose writes bump a version per
 * product and remember when each version was committed. Reads count as loads: only a
 * cache miss reads it.
 * <p>
 * A load is counted for the benchmark thread that ran it (the {@link LoadCounter}
 * registered on that thread), or as unattributed when no counter is registered, so that
 * the benchmark can check that no load escaped its threads' counters.
 */
public final class VersionedCatalog {

	/**
	 * How many commit times each product keeps: enough for well over a second of writes
	 * to the most written product, far more than any grace period asked for.
	 */
	static final int HISTORY = 64;

	private static final ThreadLocal<@Nullable LoadCounter> COUNTER = new ThreadLocal<>();

	private final LongSupplier clock;

	private final Row[] rows;

	private final LongAdder loads = new LongAdder();

	private final LongAdder unattributedLoads = new LongAdder();

	/**
	 * A catalog of products with ids {@link #id(int) id(0)} to {@code id(size - 1)}, all
	 * at version 0, committed now.
	 * @param size the number of products
	 */
	public VersionedCatalog(int size) {
		this(size, System::nanoTime);
	}

	/**
	 * A catalog whose commit times come from the given clock.
	 * @param size the number of products
	 * @param clock the clock of commit times, {@link System#nanoTime()} in the benchmark
	 */
	VersionedCatalog(int size, LongSupplier clock) {
		this.clock = clock;
		this.rows = new Row[size];
		long now = clock.getAsLong();
		for (int i = 0; i < size; i++) {
			this.rows[i] = new Row(now);
		}
	}

	/**
	 * The id of a product by index: above 127, so that every one is boxed into a new
	 * {@code Long} where an API takes an object, as a real id would be.
	 * @param index from 0 to size - 1
	 * @return the id
	 */
	public static long id(int index) {
		return ProductIds.FIRST + index;
	}

	/**
	 * The number of products.
	 * @return the size
	 */
	public int size() {
		return this.rows.length;
	}

	/**
	 * Read a product, as a cache miss does: counted as a load.
	 * @param id the id
	 * @return the product at its current version
	 */
	public VersionedProduct load(long id) {
		this.loads.increment();
		LoadCounter counter = COUNTER.get();
		if (counter != null) {
			counter.loaded();
		}
		else {
			this.unattributedLoads.increment();
		}
		long version = row(id).version;
		return new VersionedProduct(id, version, 100 * id + version);
	}

	/**
	 * Commit a write: the next version of the product.
	 * @param id the id
	 * @return the new version
	 */
	public long write(long id) {
		Row row = row(id);
		synchronized (row) {
			long version = row.version + 1;
			// Before the version is published, so that whoever sees the version sees
			// its commit time
			row.committedAt[(int) (version % HISTORY)] = this.clock.getAsLong();
			row.version = version;
			return version;
		}
	}

	/**
	 * The product's last committed version.
	 * @param id the id
	 * @return the version
	 */
	public long version(long id) {
		return row(id).version;
	}

	/**
	 * When a version of a product stopped being the current one: the commit time of the
	 * next version. If that one is no longer in the last {@link #HISTORY} versions, the
	 * commit time of the oldest kept, which is later: the age computed from it is a lower
	 * bound.
	 * @param id the id
	 * @param version a version older than the current one
	 * @return the clock's time at which it was superseded (or later)
	 */
	public long supersededAt(long id, long version) {
		Row row = row(id);
		synchronized (row) {
			long next = Math.max(version + 1, row.version - HISTORY + 1);
			return row.committedAt[(int) (next % HISTORY)];
		}
	}

	/**
	 * Loads so far, on every thread.
	 * @return the number of loads
	 */
	public long loads() {
		return this.loads.sum();
	}

	/**
	 * Loads so far that ran on a thread with no {@link LoadCounter} registered.
	 * @return the number of those loads
	 */
	public long unattributedLoads() {
		return this.unattributedLoads.sum();
	}

	private Row row(long id) {
		return this.rows[(int) (id - ProductIds.FIRST)];
	}

	/**
	 * Count the loads that run on this thread with the given counter, until
	 * {@link #unregister()}.
	 * @param counter the counter
	 */
	static void register(LoadCounter counter) {
		COUNTER.set(counter);
	}

	/** Stop counting this thread's loads with its counter. */
	static void unregister() {
		COUNTER.remove();
	}

	/** What a thread's loads are counted with. */
	interface LoadCounter {

		/** A load ran on this thread. */
		void loaded();

	}

	private static final class Row {

		private volatile long version;

		// Commit time of version v at v % HISTORY
		private final long[] committedAt = new long[HISTORY];

		private Row(long now) {
			this.committedAt[0] = now;
		}

	}

}
