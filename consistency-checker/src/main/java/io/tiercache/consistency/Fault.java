package io.tiercache.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The faults the checker can inject, each something that happens to real Redis
 * deployments and that the library claims to survive without serving a stale value beyond
 * the delivery window.
 */
enum Fault {

	/**
	 * {@code CLIENT KILL TYPE pubsub}: every subscription drops and must be
	 * re-established.
	 */
	PUBSUB_KILL("pubsub-kill", Duration.ZERO),

	/** {@code CLIENT KILL TYPE normal} and {@code pubsub}: every connection drops. */
	KILL_ALL("kill-all", Duration.ZERO),

	/** Restart without persistence: data lost, a new epoch. */
	RESTART("restart", Duration.ZERO),

	/** {@code CLIENT PAUSE 200 ALL}. */
	PAUSE("pause", Duration.ofMillis(200)),

	/** {@code DEBUG SLEEP 0.2}: the server freezes. */
	SLEEP("sleep", Duration.ofMillis(200)),

	/** {@code FLUSHALL}: data lost, a new epoch, connections intact. */
	FLUSHALL("flushall", Duration.ZERO),

	/**
	 * A tiny {@code maxmemory} with {@code allkeys-lru} while junk is written: evictions.
	 */
	MEMORY("memory", Duration.ofSeconds(1)),

	/** One instance drops some invalidation messages, as if lost in transit. */
	DROP("drop", Duration.ofMillis(300));

	private final String id;

	private final Duration hold;

	Fault(String id, Duration hold) {
		this.id = id;
		this.hold = hold;
	}

	/** The name used on the command line and in reports. */
	String id() {
		return this.id;
	}

	/** How long the fault lasts once injected. */
	Duration hold() {
		return this.hold;
	}

	/**
	 * Parse a comma separated list of fault ids, or {@code all}.
	 * @param text the list, possibly empty
	 * @return the faults, in the order given
	 */
	static List<Fault> parseList(String text) {
		if (text.isBlank() || text.equals("none")) {
			return List.of();
		}
		if (text.trim().equalsIgnoreCase("all")) {
			return List.of(values());
		}
		List<Fault> faults = new ArrayList<>();
		for (String id : text.split(",")) {
			faults.add(of(id.trim().toLowerCase(Locale.ROOT)));
		}
		return faults;
	}

	static Fault of(String id) {
		return Arrays.stream(values())
			.filter((fault) -> fault.id.equals(id))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown fault '" + id + "'; known: "
					+ Arrays.stream(values()).map(Fault::id).toList() + " or all"));
	}

}
