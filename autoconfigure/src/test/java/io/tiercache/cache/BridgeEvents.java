package io.tiercache.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.store.CacheObserver;
import io.tiercache.store.StoreObserver;

/**
 * What one instance's store reports, counted, with gates that hold a chosen thread where
 * the store reports an event: how tests keep a lookup, a load or a put in flight at a
 * known point, through the observer the store calls anyway.
 */
final class BridgeEvents implements StoreObserver, CacheObserver {

	private static final Duration MAX_HOLD = Duration.ofSeconds(30);

	final AtomicInteger leaseWaits = new AtomicInteger();

	final AtomicInteger coalesced = new AtomicInteger();

	private final Map<Point, Gate> gates = new ConcurrentHashMap<>();

	/**
	 * Hold a thread the next time it reaches a point, until the gate is opened.
	 * @param thread the thread, not started yet or not at the point yet
	 * @param point where to hold it
	 * @return the gate
	 */
	Gate hold(Thread thread, Point point) {
		Gate gate = new Gate(thread);
		this.gates.put(point, gate);
		return gate;
	}

	@Override
	public CacheObserver cache(String cacheName) {
		return this;
	}

	@Override
	public void remoteMiss() {
		pass(Point.REMOTE_MISS);
	}

	@Override
	public void invalidationPublished() {
		pass(Point.INVALIDATION_PUBLISHED);
	}

	@Override
	public void leaseWaited() {
		this.leaseWaits.incrementAndGet();
	}

	@Override
	public void coalesced(boolean crossProcess) {
		this.coalesced.incrementAndGet();
	}

	private void pass(Point point) {
		Gate gate = this.gates.get(point);
		if (gate != null && gate.thread == Thread.currentThread()) {
			this.gates.remove(point, gate);
			gate.holdHere();
		}
	}

	/** Where the store reports an event on the caller's thread. */
	enum Point {

		/**
		 * A read found no entry in Redis (after its round trip, so the call has read the
		 * sequence it loads under, and taken the lease if it takes one), before the load.
		 */
		REMOTE_MISS,

		/**
		 * An invalidation reached Redis and was applied here, before the call that made
		 * it goes on (a put, before it stores).
		 */
		INVALIDATION_PUBLISHED

	}

	/** Holds one thread at one point until opened. */
	static final class Gate {

		private final Thread thread;

		private final CountDownLatch reached = new CountDownLatch(1);

		private final CountDownLatch opened = new CountDownLatch(1);

		private Gate(Thread thread) {
			this.thread = thread;
		}

		/** Wait until the thread is held here. */
		void awaitReached() throws InterruptedException {
			if (!this.reached.await(10, TimeUnit.SECONDS)) {
				throw new AssertionError("The call never reached the gate");
			}
		}

		/** Let the thread go on. */
		void open() {
			this.opened.countDown();
		}

		private void holdHere() {
			this.reached.countDown();
			try {
				if (!this.opened.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
					throw new IllegalStateException("The test never opened the gate");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
