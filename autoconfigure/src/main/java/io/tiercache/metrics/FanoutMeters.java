package io.tiercache.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.LocalTrust.DistrustCause;

/**
 * The fan-out's meters: messages received and their lag, malformed messages, stalls, and
 * two gauges of this process's trust state.
 *
 * @since 0.1.0
 */
public class FanoutMeters implements InvalidationSubscriber.Observer {

	private final Counter received;

	private final Counter malformed;

	private final Timer lag;

	private final Counter stalls;

	/**
	 * Register the meters.
	 * @param registry the registry
	 * @param trust this process's local trust state, for
	 * {@code tiercache.subscription.confirmed} (1 while the invalidation channel
	 * subscription is confirmed) and {@code tiercache.local.trusted} (1 while the local
	 * tier may serve entries)
	 */
	public FanoutMeters(MeterRegistry registry, LocalTrust trust) {
		this.received = Counter.builder("tiercache.invalidations.received")
			.description("Invalidation messages received from the channel")
			.register(registry);
		this.malformed = Counter.builder("tiercache.invalidations.malformed")
			.description("Messages on the invalidation channel that could not be decoded and were dropped")
			.register(registry);
		this.stalls = Counter.builder("tiercache.subscription.stalls")
			.description("Times messages stopped arriving unnoticed and the subscription was re-established")
			.register(registry);
		this.lag = Timer.builder("tiercache.invalidations.lag")
			.description("Time from an invalidation's publish to its application in this process")
			.publishPercentileHistogram()
			// Loopback delivery takes tens of microseconds: the default buckets start at
			// 1 ms.
			.minimumExpectedValue(Duration.ofMillis(1).dividedBy(100))
			.maximumExpectedValue(Duration.ofSeconds(10))
			.register(registry);
		Gauge.builder("tiercache.subscription.confirmed", trust, (t) -> t.distrusts(DistrustCause.UNSUBSCRIBED) ? 0 : 1)
			.description("Whether the invalidation channel subscription is confirmed (1) or not (0)")
			.register(registry);
		Gauge.builder("tiercache.local.trusted", trust, (t) -> t.trusted() ? 1 : 0)
			.description("Whether the local tier may serve entries (1) or is bypassed (0)")
			.register(registry);
	}

	@Override
	public void received(long lagMicros) {
		this.received.increment();
		this.lag.record(lagMicros, TimeUnit.MICROSECONDS);
	}

	@Override
	public void malformed() {
		this.malformed.increment();
	}

	@Override
	public void stalled() {
		this.stalls.increment();
	}

}
