package io.tiercache.interceptor;

import java.time.Duration;

import io.tiercache.store.Jitter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Durations}.
 */
class DurationsTests {

	@Test
	void parsesTheFormatsOfSpringBootProperties() {
		assertThat(Durations.parse("ttl", "10m")).isEqualTo(Duration.ofMinutes(10));
		assertThat(Durations.parse("ttl", "500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(Durations.parse("ttl", "2h")).isEqualTo(Duration.ofHours(2));
		assertThat(Durations.parse("ttl", "1d")).isEqualTo(Duration.ofDays(1));
		assertThat(Durations.parse("ttl", "PT1H30M")).isEqualTo(Duration.ofMinutes(90));
		assertThat(Durations.parse("ttl", " 30s ")).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void aNumberWithoutUnitIsInMilliseconds() {
		assertThat(Durations.parse("ttl", "250")).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void compositeDurationIsRefusedAsSpringBootPropertiesRefuseIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("ttl", "1h30m"))
			.withMessage("ttl '1h30m' is not a duration such as '10m', '30s' or 'PT1H'");
	}

	@Test
	void zeroIsADuration() {
		assertThat(Durations.parse("staleWhileRevalidate", "0s")).isZero();
	}

	@Test
	void textThatIsNoDurationFailsNamingWhatItIs() {
		assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("nullTtl", "10 minutes"))
			.withMessage("nullTtl '10 minutes' is not a duration such as '10m', '30s' or 'PT1H'");
	}

	@Test
	void negativeDurationFailsNamingWhatItIs() {
		assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("ttl", "-5s"))
			.withMessage("ttl '-5s' must not be negative");
	}

	@Test
	void emptyTextFailsNamingWhatItIs() {
		assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("ttl", " "))
			.withMessage("ttl must not be empty");
	}

	@Test
	void jitterIsAPercentageOrADuration() {
		assertThat(Durations.parseJitter("10%")).isEqualTo(Jitter.ofPercent(10));
		assertThat(Durations.parseJitter(" 12.5 % ")).isEqualTo(Jitter.ofPercent(12.5));
		assertThat(Durations.parseJitter("30s")).isEqualTo(Jitter.of(Duration.ofSeconds(30)));
		assertThat(Durations.parseJitter("0%")).isSameAs(Jitter.NONE);
		assertThat(Durations.parseJitter("0s")).isSameAs(Jitter.NONE);
	}

	@Test
	void jitterPercentageOutsideZeroToHundredFailsQuotingTheText() {
		assertThatIllegalArgumentException().isThrownBy(() -> Durations.parseJitter("-10%"))
			.withMessage("jitter '-10%' must be between 0% and 100%");
		assertThatIllegalArgumentException().isThrownBy(() -> Durations.parseJitter("200%"))
			.withMessage("jitter '200%' must be between 0% and 100%");
	}

	@Test
	void jitterThatIsNeitherFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> Durations.parseJitter("lots%"))
			.withMessage("jitter 'lots%' is not a percentage such as '10%'");
		assertThatIllegalArgumentException().isThrownBy(() -> Durations.parseJitter("lots"))
			.withMessageStartingWith("jitter 'lots' is not a duration");
	}

}
