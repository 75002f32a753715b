package io.tiercache.store;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Tests for {@link StoreOptions}: the defaults, and a builder that refuses what no store
 * could work with.
 */
class StoreOptionsTests {

	@Test
	void defaults() {
		StoreOptions options = StoreOptions.defaults();
		assertThat(options.localMaximumSize()).isEqualTo(10_000);
		assertThat(options.localMaxTtl()).isEqualTo(Duration.ofMinutes(5));
		assertThat(options.localMaxUnconfirmed()).isEqualTo(Duration.ofSeconds(1));
		assertThat(options.maxTtl()).isEqualTo(Duration.ofDays(1));
		assertThat(options.keyPrefix()).isEqualTo("tc");
		assertThat(options.namespace()).isEqualTo("v1");
		assertThat(options.commandTimeout()).isEqualTo(Duration.ofMillis(500));
		assertThat(options.breakerFailureThreshold()).isEqualTo(3);
		assertThat(options.breakerOpenDuration()).isEqualTo(Duration.ofSeconds(1));
		assertThat(options.leaseTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(options.leaseMaxWait()).isEqualTo(Duration.ofSeconds(3));
		assertThat(options.earlyRefreshBeta()).isEqualTo(1.0);
		assertThat(options.refreshThreads()).isEqualTo(2);
		assertThat(options.maxValueBytes()).isEqualTo(1024 * 1024);
	}

	@Test
	void toBuilderKeepsEverythingButWhatIsChanged() {
		StoreOptions options = StoreOptions.builder()
			.namespace("v7")
			.lease(Duration.ofSeconds(9), Duration.ofSeconds(4))
			.build();
		StoreOptions changed = options.toBuilder().refreshThreads(5).build();
		assertThat(changed.namespace()).isEqualTo("v7");
		assertThat(changed.leaseTimeout()).isEqualTo(Duration.ofSeconds(9));
		assertThat(changed.leaseMaxWait()).isEqualTo(Duration.ofSeconds(4));
		assertThat(changed.refreshThreads()).isEqualTo(5);
		assertThat(options.refreshThreads()).isEqualTo(2);
	}

	@Test
	void refusesWhatNoStoreCouldWorkWith() {
		StoreOptions.Builder builder = StoreOptions.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.localMaximumSize(-1))
			.withMessageContaining("localMaximumSize");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.localMaxUnconfirmed(Duration.ZERO))
			.withMessageContaining("localMaxUnconfirmed PT0S must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxTtl(Duration.ZERO))
			.withMessageContaining("maxTtl PT0S must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.commandTimeout(Duration.ofMillis(-1)))
			.withMessageContaining("commandTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.breaker(0, Duration.ofSeconds(1)))
			.withMessageContaining("breakerFailureThreshold 0 must be at least 1");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.lease(Duration.ofSeconds(1), Duration.ZERO))
			.withMessageContaining("leaseMaxWait");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.earlyRefreshBeta(-0.5))
			.withMessageContaining("earlyRefreshBeta");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.refreshThreads(0))
			.withMessageContaining("refreshThreads");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxValueBytes(0))
			.withMessageContaining("maxValueBytes");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.namespace(" "))
			.withMessageContaining("namespace");
		assertThatNullPointerException().isThrownBy(() -> builder.wallClock(null)).withMessageContaining("wallClock");
		assertThat(builder.build().namespace()).as("nothing refused was kept").isEqualTo("v1");
	}

}
