package io.tiercache.consistency;

/**
 * A completed write in the history.
 *
 * @param instance the instance that wrote
 * @param thread the worker thread, within its instance
 * @param item the item
 * @param start {@link System#nanoTime()} before the call
 * @param end {@link System#nanoTime()} after it returned
 * @param version the version the write created
 * @param epoch epoch id of the invalidation applied in the writer's thread, or -1 if it
 * failed there and was queued for a retry
 * @param seq its sequence number
 * @param appliedAt when the writer's thread applied it
 */
record WriteOp(int instance, int thread, int item, long start, long end, long version, int epoch, long seq,
		long appliedAt) {

	boolean invalidatedInThread() {
		return this.epoch >= 0;
	}

}
