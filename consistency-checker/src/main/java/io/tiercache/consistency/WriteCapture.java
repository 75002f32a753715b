package io.tiercache.consistency;

/**
 * Ties a write to the invalidation it published. tiercache applies a process's own
 * invalidation synchronously in the writer's thread, after the commit and before the
 * annotated method returns (read-your-writes); the apply listener, running in that
 * thread, hands the epoch and sequence to the capture the worker opened around its call.
 * A write whose capture stays empty had its invalidation queued for a retry.
 */
final class WriteCapture {

	private static final ThreadLocal<WriteCapture> current = new ThreadLocal<>();

	private int epoch = -1;

	private long seq;

	private long appliedAt;

	private WriteCapture() {
	}

	/** Open a capture for a write about to run in this thread. */
	static WriteCapture open() {
		WriteCapture capture = new WriteCapture();
		current.set(capture);
		return capture;
	}

	/** Close this thread's capture. */
	static void close() {
		current.remove();
	}

	/**
	 * Offer an invalidation applied in the calling thread.
	 * @return whether a write of this thread was waiting for it
	 */
	static boolean offer(int epoch, long seq, long appliedAt) {
		WriteCapture capture = current.get();
		if (capture == null || capture.epoch >= 0) {
			return false;
		}
		capture.epoch = epoch;
		capture.seq = seq;
		capture.appliedAt = appliedAt;
		return true;
	}

	/** The epoch id, or -1 if no invalidation was applied in the writer's thread. */
	int epoch() {
		return this.epoch;
	}

	long seq() {
		return this.seq;
	}

	long appliedAt() {
		return this.appliedAt;
	}

}
