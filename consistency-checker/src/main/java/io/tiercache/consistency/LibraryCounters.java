package io.tiercache.consistency;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiercache.store.LocalTrust.ClearReason;

/**
 * The library's own account of what it did, read from its Micrometer meters: the checker
 * shows that each fault moved the counter it should have (a dropped subscription clears
 * with reason {@code disconnect}, a lost message with {@code gap} or a stall, a flush
 * with {@code epoch}).
 *
 * @param clears clears of the local tier by reason
 * @param stalls silent stalls detected by the periodic check
 * @param invalidationsFailed invalidations that could not reach Redis at first
 * @param invalidationsRetried queued invalidations that reached Redis later
 * @param invalidationsReceived messages received from the channel
 * @param redisErrors Redis failures answered by calling the method
 */
record LibraryCounters(Map<ClearReason, Long> clears, long stalls, long invalidationsFailed, long invalidationsRetried,
		long invalidationsReceived, long redisErrors) {

	static final LibraryCounters ZERO = new LibraryCounters(new EnumMap<>(ClearReason.class), 0, 0, 0, 0, 0);

	LibraryCounters {
		EnumMap<ClearReason, Long> copy = new EnumMap<>(ClearReason.class);
		for (ClearReason reason : ClearReason.values()) {
			copy.put(reason, clears.getOrDefault(reason, 0L));
		}
		clears = copy;
	}

	static LibraryCounters read(MeterRegistry registry) {
		Map<ClearReason, Long> clears = new EnumMap<>(ClearReason.class);
		for (ClearReason reason : ClearReason.values()) {
			Counter counter = registry.find("tiercache.local.clears")
				.tag("reason", reason.name().toLowerCase(Locale.ROOT))
				.counter();
			clears.put(reason, (counter != null) ? (long) counter.count() : 0);
		}
		long redisErrors = (long) registry.find("tiercache.redis.errors")
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
		return new LibraryCounters(clears, count(registry, "tiercache.subscription.stalls"),
				count(registry, "tiercache.invalidations.failed"), count(registry, "tiercache.invalidations.retried"),
				count(registry, "tiercache.invalidations.received"), redisErrors);
	}

	private static long count(MeterRegistry registry, String name) {
		Counter counter = registry.find(name).counter();
		return (counter != null) ? (long) counter.count() : 0;
	}

	long clears(ClearReason reason) {
		return this.clears.get(reason);
	}

	LibraryCounters plus(LibraryCounters other) {
		return combine(other, 1);
	}

	LibraryCounters minus(LibraryCounters other) {
		return combine(other, -1);
	}

	private LibraryCounters combine(LibraryCounters other, int sign) {
		Map<ClearReason, Long> clears = new EnumMap<>(ClearReason.class);
		for (ClearReason reason : ClearReason.values()) {
			clears.put(reason, clears(reason) + sign * other.clears(reason));
		}
		return new LibraryCounters(clears, this.stalls + sign * other.stalls,
				this.invalidationsFailed + sign * other.invalidationsFailed,
				this.invalidationsRetried + sign * other.invalidationsRetried,
				this.invalidationsReceived + sign * other.invalidationsReceived,
				this.redisErrors + sign * other.redisErrors);
	}

}
