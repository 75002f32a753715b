package io.tiercache.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Effective settings of one cache, after annotation attributes and
 * {@code tiercache.caches.<name>.*} properties have been merged.
 *
 * @param name the cache name
 * @param ttl hard time to live of an entry, before jitter
 * @param jitter random amount taken off each entry's time to live
 * @param nullTtl time to live of an absent value ({@code null} or empty
 * {@code Optional}), or {@code null} not to cache absent values
 * @param local whether entries are also kept in this process's Caffeine tier
 * @param enabled whether the cache is used at all; when not, calls go straight to the
 * method
 * @param staleWhileRevalidate how long after its time to live an entry may still be
 * served while one background refresh runs, or {@link Duration#ZERO} for never
 * @since 0.1.0
 */
public record CacheSettings(String name, Duration ttl, Jitter jitter, @Nullable Duration nullTtl, boolean local,
		boolean enabled, Duration staleWhileRevalidate) {

	/**
	 * Name of the {@link #ttl()} setting, as {@link InvalidSettingsException} names it.
	 */
	public static final String TTL = "ttl";

	/** Name of the {@link #jitter()} setting. */
	public static final String JITTER = "jitter";

	/** Name of the {@link #nullTtl()} setting. */
	public static final String NULL_TTL = "nullTtl";

	/** Name of the {@link #staleWhileRevalidate()} setting. */
	public static final String STALE_WHILE_REVALIDATE = "staleWhileRevalidate";

	public CacheSettings(String name, Duration ttl, Jitter jitter, @Nullable Duration nullTtl, boolean local,
			boolean enabled) {
		this(name, ttl, jitter, nullTtl, local, enabled, Duration.ZERO);
	}

	public CacheSettings withTtl(Duration ttl) {
		return new CacheSettings(this.name, ttl, this.jitter, this.nullTtl, this.local, this.enabled,
				this.staleWhileRevalidate);
	}

	public CacheSettings withJitter(Jitter jitter) {
		return new CacheSettings(this.name, this.ttl, jitter, this.nullTtl, this.local, this.enabled,
				this.staleWhileRevalidate);
	}

	public CacheSettings withNullTtl(@Nullable Duration nullTtl) {
		return new CacheSettings(this.name, this.ttl, this.jitter, nullTtl, this.local, this.enabled,
				this.staleWhileRevalidate);
	}

	public CacheSettings withLocal(boolean local) {
		return new CacheSettings(this.name, this.ttl, this.jitter, this.nullTtl, local, this.enabled,
				this.staleWhileRevalidate);
	}

	public CacheSettings withStaleWhileRevalidate(Duration staleWhileRevalidate) {
		return new CacheSettings(this.name, this.ttl, this.jitter, this.nullTtl, this.local, this.enabled,
				staleWhileRevalidate);
	}

	public CacheSettings withEnabled(boolean enabled) {
		return new CacheSettings(this.name, this.ttl, this.jitter, this.nullTtl, this.local, enabled,
				this.staleWhileRevalidate);
	}

	/**
	 * Check that a cache can use these settings. Every way of declaring a cache
	 * (annotations, {@code tiercache.caches.<name>.*}, the programmatic API and the
	 * Spring Cache bridge) calls this once its overrides and customizers have applied,
	 * and adds in front of the message which cache or property it was checking.
	 * @param maxTtl the longest time an entry may live, {@code tiercache.max-ttl}
	 * @throws InvalidSettingsException naming the setting and the limit it breaks, such
	 * as
	 * {@code "ttl PT2H plus staleWhileRevalidate PT30M exceeds tiercache.max-ttl PT2H"}
	 */
	public void validate(Duration maxTtl) {
		String withinMaxTtl = " is at most tiercache.max-ttl (" + maxTtl + ")";
		if (this.ttl.isZero() || this.ttl.isNegative()) {
			throw invalid("ttl " + this.ttl + " must be greater than zero", "ttl is positive", false, TTL);
		}
		if (this.ttl.compareTo(maxTtl) > 0) {
			throw invalid("ttl " + this.ttl + " exceeds tiercache.max-ttl " + maxTtl, "ttl" + withinMaxTtl, true, TTL);
		}
		if (this.staleWhileRevalidate.isNegative()) {
			throw invalid("staleWhileRevalidate " + this.staleWhileRevalidate + " must not be negative",
					"staleWhileRevalidate is zero (none) or positive", false, STALE_WHILE_REVALIDATE);
		}
		// An entry may be served until then, and invalidated tags are remembered for
		// maxTtl only
		if (this.ttl.plus(this.staleWhileRevalidate).compareTo(maxTtl) > 0) {
			throw invalid(
					"ttl " + this.ttl + " plus staleWhileRevalidate " + this.staleWhileRevalidate
							+ " exceeds tiercache.max-ttl " + maxTtl,
					"ttl plus staleWhileRevalidate" + withinMaxTtl, true, TTL, STALE_WHILE_REVALIDATE);
		}
		Duration nullTtl = this.nullTtl;
		if (nullTtl != null && nullTtl.isNegative()) {
			throw invalid("nullTtl " + nullTtl + " must not be negative", "nullTtl is not negative", false, NULL_TTL);
		}
		if (nullTtl != null && nullTtl.compareTo(maxTtl) > 0) {
			throw invalid("nullTtl " + nullTtl + " exceeds tiercache.max-ttl " + maxTtl, "nullTtl" + withinMaxTtl, true,
					NULL_TTL);
		}
		if (this.jitter.exceeds(this.ttl)) {
			throw invalid("jitter " + this.jitter + " exceeds its ttl " + this.ttl,
					"jitter is at most ttl (a percentage, such as 10%, always is)", false, JITTER, TTL);
		}
	}

	private static InvalidSettingsException invalid(String message, String requirement, boolean boundedByMaxTtl,
			String... settings) {
		return new InvalidSettingsException(message, requirement, boundedByMaxTtl, List.of(settings));
	}

	/**
	 * Settings that {@link CacheSettings#validate} refused, with the names of the
	 * settings involved ({@link #TTL}, {@link #JITTER}, ...), so that the caller can say
	 * where each came from (an annotation attribute, a property or a customizer) and what
	 * to change.
	 */
	public static final class InvalidSettingsException extends IllegalArgumentException {

		private final String requirement;

		private final boolean boundedByMaxTtl;

		private final List<String> settings;

		InvalidSettingsException(String message, String requirement, boolean boundedByMaxTtl, List<String> settings) {
			super(message);
			this.requirement = requirement;
			this.boundedByMaxTtl = boundedByMaxTtl;
			this.settings = settings;
		}

		/**
		 * The settings whose values broke the rule, in the order the message names them.
		 * @return the names, such as {@code ttl} and {@code staleWhileRevalidate}
		 */
		public List<String> settings() {
			return this.settings;
		}

		/**
		 * Where each setting came from, to follow the message.
		 * @param origins where each of {@link #settings()} came from, in their order,
		 * such as {@code tiercache.caches.quotes.jitter}
		 * @return such as
		 * {@code " (jitter from tiercache.caches.quotes.jitter, ttl from @Cached(ttl = "10m"))"}
		 */
		public String origins(List<String> origins) {
			List<String> named = new ArrayList<>(this.settings.size());
			for (int i = 0; i < this.settings.size(); i++) {
				named.add(this.settings.get(i) + " from " + origins.get(i));
			}
			return named.isEmpty() ? "" : " (" + String.join(", ", named) + ")";
		}

		/**
		 * What to change so that the rule holds.
		 * @param origins where each of {@link #settings()} came from, in their order
		 * @return such as
		 * {@code Change jitter (from tiercache.caches.quotes.jitter) or ttl
		 * (from @Cached(ttl = "10m")) so that jitter is at most ttl ...}
		 */
		public String action(List<String> origins) {
			List<String> changes = new ArrayList<>(this.settings.size() + 1);
			for (int i = 0; i < this.settings.size(); i++) {
				changes.add(this.settings.get(i) + " (from " + origins.get(i) + ")");
			}
			if (this.boundedByMaxTtl) {
				changes.add("tiercache.max-ttl");
			}
			String last = changes.remove(changes.size() - 1);
			String all = changes.isEmpty() ? last : String.join(", ", changes) + " or " + last;
			return "Change " + all + " so that " + this.requirement + ".";
		}

	}

}
