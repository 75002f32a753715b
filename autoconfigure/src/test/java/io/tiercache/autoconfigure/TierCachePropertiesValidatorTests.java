package io.tiercache.autoconfigure;

import java.time.Duration;

import io.tiercache.autoconfigure.TierCacheProperties.CacheSpec;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link TierCachePropertiesValidator}'s checks of cache settings, without an
 * application context; every property is checked in a context by
 * {@link TierCacheConfigurationTests}.
 */
class TierCachePropertiesValidatorTests {

	private final TierCacheProperties properties = new TierCacheProperties();

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	@Test
	void defaultPropertiesAreValid() {
		assertThatNoException().isThrownBy(this::validate);
	}

	@Test
	void defaultsAreCheckedAsTheSettingsOfACache() {
		this.properties.setDefaultJitter("2h");
		assertThatIllegalStateException().isThrownBy(this::validate)
			.withMessage("Invalid tiercache.default-ttl and tiercache.default-jitter: "
					+ "jitter PT2H exceeds its ttl PT1H");
	}

	@Test
	void aCacheEntryThatNoDeclarationCouldSuitFailsAtOnce() {
		this.properties.setMaxTtl(Duration.ofHours(1));
		// Whatever ttl an annotation sets, it plus an hour exceeds tiercache.max-ttl
		spec("reports").setStaleWhileRevalidate(Duration.ofHours(1));
		assertThatIllegalStateException().isThrownBy(this::validate)
			.withMessage("Invalid tiercache.caches.reports: "
					+ "ttl PT1H plus staleWhileRevalidate PT1H exceeds tiercache.max-ttl PT1H"
					+ " (ttl from tiercache.default-ttl, staleWhileRevalidate from"
					+ " tiercache.caches.reports.stale-while-revalidate)");
	}

	@Test
	void aCacheEntryInConflictWithTheDefaultsOnlyIsLeftToTheSettingsOfItsCache() {
		this.properties.setMaxTtl(Duration.ofHours(3));
		// Over the default ttl (1h) both fail; @Cached(ttl = "20m") would suit the
		// first, @Cached(ttl = "2h") the second. Each method's own settings, and those of
		// a cache that no method declares, are checked later.
		spec("reports").setStaleWhileRevalidate(Duration.ofMinutes(150));
		spec("forecasts").setJitter("90m");
		assertThatNoException().isThrownBy(this::validate);
	}

	@Test
	void aCacheEntryWhoseFixedJitterLeavesNoRoomForItsStaleWindowFailsAtOnce() {
		this.properties.setMaxTtl(Duration.ofHours(3));
		// The ttl must be at least the jitter, 2h, and plus the window exceed 3h
		spec("forecasts").setJitter("2h");
		spec("forecasts").setStaleWhileRevalidate(Duration.ofMinutes(90));
		assertThatIllegalStateException().isThrownBy(this::validate)
			.withMessage("Invalid tiercache.caches.forecasts: jitter PT2H exceeds its ttl PT1H"
					+ " (jitter from tiercache.caches.forecasts.jitter, ttl from tiercache.default-ttl)");
	}

	@Test
	void cacheEntryIsCheckedWithTheTtlItSets() {
		CacheSpec spec = spec("reports");
		spec.setTtl(Duration.ofHours(3));
		spec.setJitter("2h");
		assertThatNoException().isThrownBy(this::validate);
	}

	@Test
	void theBoundOfTrustMustBeLongerThanTheCheckIntervalThatConfirmsIt() {
		this.properties.getFanout().setCheckInterval(Duration.ofSeconds(1));
		assertThatIllegalStateException().isThrownBy(this::validate)
			.withMessage("Invalid tiercache.local.max-unconfirmed: 'PT1S' must be longer than "
					+ "tiercache.fanout.check-interval (PT1S)");
		this.properties.getLocal().setMaxUnconfirmed(Duration.ofMillis(1001));
		assertThatNoException().isThrownBy(this::validate);
	}

	@Test
	void asyncCallsNeedAThread() {
		this.properties.getRedis().setAsyncThreads(0);
		assertThatIllegalStateException().isThrownBy(this::validate)
			.withMessageStartingWith("Invalid tiercache.redis.async-threads: '0' must be at least 1");
	}

	@Test
	void customizersAreNotAskedForAtStartup() {
		this.beanFactory.registerSingleton("failing", (TierCacheCustomizer) (settings) -> {
			throw new AssertionError("A customizer must not run when the properties are checked");
		});
		spec("reports").setTtl(Duration.ofMinutes(5));
		assertThatNoException().isThrownBy(this::validate);
	}

	private void validate() {
		TierCachePropertiesValidator.validate(this.properties,
				new CacheSettingsPolicy(this.properties, this.beanFactory.getBeanProvider(TierCacheCustomizer.class)));
	}

	private CacheSpec spec(String name) {
		return this.properties.getCaches().computeIfAbsent(name, (key) -> new CacheSpec());
	}

}
