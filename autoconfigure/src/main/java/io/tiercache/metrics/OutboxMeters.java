package io.tiercache.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.tiercache.outbox.OutboxRelay;

/**
 * The outbox's meters: rows relayed, and two gauges of what the relay's last round saw of
 * the rows not published yet. The gauges read what the relay measured, never the
 * database, so that a scrape costs no query.
 *
 * @since 0.1.0
 */
public class OutboxMeters implements OutboxRelay.Observer {

	private final Counter relayed;

	private final AtomicLong backlog = new AtomicLong();

	private final AtomicLong oldestAgeMillis = new AtomicLong();

	/**
	 * Register the meters.
	 * @param registry the registry
	 */
	public OutboxMeters(MeterRegistry registry) {
		this.relayed = Counter.builder("tiercache.outbox.relayed")
			.description("Outbox rows published by this instance's relay because their writer had not marked them")
			.register(registry);
		Gauge.builder("tiercache.outbox.backlog", this.backlog, AtomicLong::get)
			.description("Outbox rows committed and not marked published yet, in the whole table")
			.register(registry);
		TimeGauge.builder("tiercache.outbox.oldest.age", this.oldestAgeMillis, TimeUnit.MILLISECONDS, AtomicLong::get)
			.description("Age of the oldest outbox row not marked published yet, zero for none")
			.register(registry);
	}

	@Override
	public void relayed(int rows) {
		this.relayed.increment(rows);
	}

	@Override
	public void backlog(long rows, Duration oldestAge) {
		this.backlog.set(rows);
		this.oldestAgeMillis.set(oldestAge.toMillis());
	}

}
