package io.tiercache.consistency;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.tiercache.store.LocalTrust;
import io.tiercache.store.LocalTrust.ClearReason;

/**
 * What one instance's invalidation view did and when: every invalidation it applied (its
 * own, received from the channel, or its own retried later) and every clear of its local
 * tier. These are the per-message, per-instance events the delivery window is measured
 * from. Listeners run on the writer's thread, the subscriber thread and the retry thread,
 * so appends are synchronized; the analysis works on a {@link #snapshot()}.
 */
final class EventLog {

	/** Name of the thread tiercache applies channel messages on. */
	private static final String SUBSCRIBER_THREAD = "tiercache-invalidations";

	/** Where an applied invalidation came from. */
	enum Source {

		/**
		 * Made by a worker of this instance, applied in its thread before the write
		 * returned.
		 */
		OWN,
		/** Received from the channel. */
		RECEIVED,
		/** Made by this instance earlier, failed, and applied now by the retry. */
		RETRY

	}

	/**
	 * An invalidation applied.
	 *
	 * @param time when, {@link System#nanoTime()}
	 * @param epoch the epoch id
	 * @param seq the sequence number
	 * @param item the item whose tag it invalidated, or -1
	 * @param source where it came from
	 */
	record Apply(long time, int epoch, long seq, int item, Source source) {
	}

	/**
	 * A clear of the whole local tier.
	 *
	 * @param time when, {@link System#nanoTime()}
	 * @param reason why
	 */
	record Clear(long time, ClearReason reason) {
	}

	/**
	 * A consistent copy of the log.
	 *
	 * @param applies the applies in the order they were recorded
	 * @param clears the clears in the order they were recorded
	 */
	record Snapshot(List<Apply> applies, List<Clear> clears) {
	}

	private final Epochs epochs;

	private final List<Apply> applies = new ArrayList<>();

	private final List<Clear> clears = new ArrayList<>();

	EventLog(Epochs epochs) {
		this.epochs = epochs;
	}

	/**
	 * Start listening to a view.
	 * @param view the instance's local trust state
	 */
	void attach(LocalTrust view) {
		view.addApplyListener(this::applied);
		view.addClearListener(this::cleared);
	}

	private void applied(String epoch, long seq, Collection<String> tags) {
		long now = System.nanoTime();
		int epochId = this.epochs.id(epoch);
		Source source;
		if (WriteCapture.offer(epochId, seq, now)) {
			source = Source.OWN;
		}
		else if (Thread.currentThread().getName().startsWith(SUBSCRIBER_THREAD)) {
			source = Source.RECEIVED;
		}
		else {
			source = Source.RETRY;
		}
		Apply apply = new Apply(now, epochId, seq, item(tags), source);
		synchronized (this) {
			this.applies.add(apply);
		}
	}

	private void cleared(ClearReason reason) {
		Clear clear = new Clear(System.nanoTime(), reason);
		synchronized (this) {
			this.clears.add(clear);
		}
	}

	private static int item(Collection<String> tags) {
		if (tags.size() != 1) {
			return -1;
		}
		String tag = tags.iterator().next();
		if (!tag.startsWith("item:")) {
			return -1;
		}
		try {
			return Integer.parseInt(tag.substring(5));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	synchronized Snapshot snapshot() {
		return new Snapshot(new ArrayList<>(this.applies), new ArrayList<>(this.clears));
	}

}
