package io.tiercache.actuate;

import java.util.concurrent.atomic.AtomicLong;

import io.tiercache.fanout.InvalidationView;
import io.tiercache.redis.RedisTier;
import org.jspecify.annotations.Nullable;

/**
 * The highest invalidation sequence this process has applied, from its own invalidations and
 * from the channel, to compare with Redis's: the difference is how many invalidations it has
 * not heard of yet.
 *
 * @since 0.1.0
 */
public final class FanoutProgress {

	private final AtomicLong lastSequence = new AtomicLong();

	private volatile @Nullable String epoch;

	/**
	 * Start following a view, from where Redis's sequence stands now (best effort).
	 * @param view the view
	 * @param redis the shared tier
	 */
	public FanoutProgress(InvalidationView view, RedisTier redis) {
		view.addApplyListener((epoch, seq, tags) -> seen(epoch, seq));
		try {
			RedisTier.SequenceState current = redis.currentSequence();
			if (current != null) {
				seen(current.epoch(), current.seq());
			}
		}
		catch (RuntimeException ex) {
			// Redis is down: the first message sets the baseline
		}
	}

	private void seen(String epoch, long seq) {
		if (!epoch.equals(this.epoch)) {
			synchronized (this) {
				if (!epoch.equals(this.epoch)) {
					this.epoch = epoch;
					this.lastSequence.set(seq);
					return;
				}
			}
		}
		this.lastSequence.accumulateAndGet(seq, Math::max);
	}

	/** Highest sequence applied here in {@link #epoch()}. */
	public long lastSequence() {
		return this.lastSequence.get();
	}

	/** Epoch of {@link #lastSequence()}, {@code null} before the first. */
	public @Nullable String epoch() {
		return this.epoch;
	}

	/**
	 * How many invalidations Redis has published that this process has not applied.
	 * @param current Redis's sequence now
	 * @return the lag, 0 if the epochs differ
	 */
	public long lag(RedisTier.SequenceState current) {
		return current.epoch().equals(this.epoch) ? Math.max(0, current.seq() - lastSequence()) : 0;
	}

}
