package io.tiercache.store;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link CacheSettings#validate(Duration)}, the one check of every cache's
 * settings.
 */
class CacheSettingsTests {

	private static final Duration MAX_TTL = Duration.ofHours(2);

	private final CacheSettings settings = new CacheSettings("products", Duration.ofHours(1), Jitter.NONE, null, true,
			true);

	@Test
	void settingsWithinTheLimitsAreValid() {
		assertThatNoException().isThrownBy(() -> this.settings.validate(MAX_TTL));
		assertThatNoException().isThrownBy(() -> this.settings.withTtl(MAX_TTL)
			.withJitter(Jitter.ofPercent(100))
			.withNullTtl(MAX_TTL)
			.validate(MAX_TTL));
		assertThatNoException().isThrownBy(() -> this.settings.withNullTtl(Duration.ZERO).validate(MAX_TTL));
	}

	@Test
	void ttlMustBeGreaterThanZero() {
		assertInvalid(this.settings.withTtl(Duration.ZERO), "ttl PT0S must be greater than zero");
		assertInvalid(this.settings.withTtl(Duration.ofSeconds(-1)), "ttl PT-1S must be greater than zero");
	}

	@Test
	void ttlMustNotExceedMaxTtl() {
		assertInvalid(this.settings.withTtl(Duration.ofHours(3)), "ttl PT3H exceeds tiercache.max-ttl PT2H");
	}

	@Test
	void ttlPlusStaleWhileRevalidateMustNotExceedMaxTtl() {
		assertThatNoException()
			.isThrownBy(() -> this.settings.withStaleWhileRevalidate(Duration.ofHours(1)).validate(MAX_TTL));
		assertInvalid(this.settings.withTtl(MAX_TTL).withStaleWhileRevalidate(Duration.ofMinutes(30)),
				"ttl PT2H plus staleWhileRevalidate PT30M exceeds tiercache.max-ttl PT2H");
	}

	@Test
	void staleWhileRevalidateMustNotBeNegative() {
		assertInvalid(this.settings.withStaleWhileRevalidate(Duration.ofSeconds(-1)),
				"staleWhileRevalidate PT-1S must not be negative");
	}

	@Test
	void nullTtlMustBeBetweenZeroAndMaxTtl() {
		assertInvalid(this.settings.withNullTtl(Duration.ofSeconds(-5)), "nullTtl PT-5S must not be negative");
		assertInvalid(this.settings.withNullTtl(Duration.ofHours(3)), "nullTtl PT3H exceeds tiercache.max-ttl PT2H");
	}

	@Test
	void fixedJitterMustNotExceedTtl() {
		assertThatNoException()
			.isThrownBy(() -> this.settings.withJitter(Jitter.of(Duration.ofHours(1))).validate(MAX_TTL));
		assertInvalid(this.settings.withJitter(Jitter.of(Duration.ofMinutes(61))),
				"jitter PT1H1M exceeds its ttl PT1H");
	}

	private static void assertInvalid(CacheSettings settings, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> settings.validate(MAX_TTL)).withMessage(message);
	}

}
