package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.tiercache.autoconfigure.TierCacheProperties.CacheSpec;
import io.tiercache.interceptor.TierCacheDefaults;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link CacheSettingsPolicy}, without an application context.
 */
class CacheSettingsPolicyTests {

	private final TierCacheProperties properties = new TierCacheProperties();

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	private final CacheSettings annotated = new CacheSettings("prices", Duration.ofHours(1),
			Jitter.of(Duration.ofSeconds(5)), null, true, true);

	@Test
	void propertiesApplyOverTheAnnotationThenCustomizersInTheirOrder() {
		CacheSpec spec = spec("prices");
		spec.setTtl(Duration.ofMinutes(10));
		spec.setLocal(false);
		List<Duration> seen = new ArrayList<>();
		// Registered last, applied last
		addCustomizer("plusOneMinute", 2, (settings) -> {
			seen.add(settings.ttl());
			return settings.withTtl(settings.ttl().plusMinutes(1));
		});
		addCustomizer("double", 1, (settings) -> {
			seen.add(settings.ttl());
			return settings.withTtl(settings.ttl().multipliedBy(2));
		});
		CacheSettings settings = policy().apply(this.annotated);
		assertThat(seen).as("ttl each customizer was given")
			.containsExactly(Duration.ofMinutes(10), Duration.ofMinutes(20));
		assertThat(settings).isEqualTo(new CacheSettings("prices", Duration.ofMinutes(21),
				Jitter.of(Duration.ofSeconds(5)), null, false, true));
	}

	@Test
	void everyPropertyThatIsSetWinsAndTheOthersKeepTheAnnotation() {
		CacheSpec spec = spec("prices");
		assertThat(policy().apply(this.annotated)).as("no property set").isEqualTo(this.annotated);
		spec.setTtl(Duration.ofMinutes(10));
		spec.setJitter("10%");
		spec.setNullTtl(Duration.ofSeconds(30));
		spec.setStaleWhileRevalidate(Duration.ofMinutes(1));
		spec.setLocal(false);
		spec.setEnabled(false);
		assertThat(policy().apply(this.annotated)).isEqualTo(new CacheSettings("prices", Duration.ofMinutes(10),
				Jitter.ofPercent(10), Duration.ofSeconds(30), false, false, Duration.ofMinutes(1)));
	}

	@Test
	void propertiesOfAnotherCacheDoNotApply() {
		spec("orders").setTtl(Duration.ofMinutes(10));
		assertThat(policy().apply(this.annotated)).isEqualTo(this.annotated);
	}

	@Test
	void zeroNullTtlPropertyStopsCachingAbsentValues() {
		spec("prices").setNullTtl(Duration.ZERO);
		assertThat(policy().apply(this.annotated.withNullTtl(Duration.ofMinutes(1))).nullTtl()).isNull();
	}

	@Test
	void invalidJitterPropertyFailsNamingIt() {
		spec("prices").setJitter("lots");
		assertThatIllegalStateException().isThrownBy(() -> policy().apply(this.annotated))
			.withMessageStartingWith("Invalid tiercache.caches.prices.jitter: jitter 'lots' is not a duration");
	}

	@Test
	void invalidDefaultJitterFailsNamingIt() {
		this.properties.setDefaultJitter("200%");
		assertThatIllegalStateException().isThrownBy(this::policy)
			.withMessage("Invalid tiercache.default-jitter: jitter '200%' must be between 0% and 100%");
	}

	@Test
	void customizerReturningNullFailsNamingIt() {
		addCustomizer("forgetful", 0, (settings) -> null);
		assertThatIllegalArgumentException().isThrownBy(() -> policy().apply(this.annotated))
			.withMessage("TierCacheCustomizer forgetful returned null; return the settings to use");
		assertThatIllegalStateException().isThrownBy(() -> policy().forProgrammaticCache("reports"))
			.withMessage("Invalid settings of cache 'reports': "
					+ "TierCacheCustomizer forgetful returned null; return the settings to use");
	}

	@Test
	void customizerRenamingTheCacheFailsNamingIt() {
		addCustomizer("renaming", 0, (settings) -> new CacheSettings("other", settings.ttl(), settings.jitter(),
				settings.nullTtl(), settings.local(), settings.enabled()));
		assertThatIllegalArgumentException().isThrownBy(() -> policy().apply(this.annotated))
			.withMessage("TierCacheCustomizer renaming renamed the cache to 'other';"
					+ " a customizer cannot rename a cache");
	}

	@Test
	void programmaticCacheStartsFromTheDefaults() {
		this.properties.setDefaultTtl(Duration.ofMinutes(20));
		this.properties.setDefaultJitter("10%");
		assertThat(policy().forProgrammaticCache("reports"))
			.isEqualTo(new CacheSettings("reports", Duration.ofMinutes(20), Jitter.ofPercent(10), null, true, true));
	}

	@Test
	void programmaticCacheWhosePropertiesExceedMaxTtlIsRefusedNamingIt() {
		this.properties.setMaxTtl(Duration.ofHours(1));
		spec("reports").setStaleWhileRevalidate(Duration.ofMinutes(30));
		assertThatIllegalStateException().isThrownBy(() -> policy().forProgrammaticCache("reports"))
			.withMessage("Invalid settings of cache 'reports': "
					+ "ttl PT1H plus staleWhileRevalidate PT30M exceeds tiercache.max-ttl PT1H");
	}

	@Test
	void programmaticCacheIsValidatedAfterItsCustomizers() {
		this.properties.setMaxTtl(Duration.ofHours(1));
		spec("reports").setStaleWhileRevalidate(Duration.ofMinutes(30));
		addCustomizer("shorter", 0, (settings) -> settings.withTtl(Duration.ofMinutes(10)));
		assertThat(policy().forProgrammaticCache("reports").ttl()).isEqualTo(Duration.ofMinutes(10));
		addCustomizer("longer", 1, (settings) -> settings.withTtl(Duration.ofHours(2)));
		assertThatIllegalStateException().isThrownBy(() -> policy().forProgrammaticCache("reports"))
			.withMessage("Invalid settings of cache 'reports': ttl PT2H exceeds tiercache.max-ttl PT1H");
	}

	@Test
	void defaultsOfAnnotatedMethodsAreThePropertiesWithThisPolicyAsOverrides() {
		this.properties.setDefaultTtl(Duration.ofMinutes(20));
		this.properties.setDefaultJitter("5s");
		this.properties.setMaxTtl(Duration.ofHours(12));
		CacheSettingsPolicy policy = policy();
		TierCacheDefaults defaults = policy.defaults();
		assertThat(defaults.defaultTtl()).isEqualTo(Duration.ofMinutes(20));
		assertThat(defaults.defaultJitter()).isEqualTo(Jitter.of(Duration.ofSeconds(5)));
		assertThat(defaults.maxTtl()).isEqualTo(Duration.ofHours(12));
		assertThat(defaults.overrides()).isSameAs(policy);
	}

	private CacheSettingsPolicy policy() {
		return new CacheSettingsPolicy(this.properties, this.beanFactory.getBeanProvider(TierCacheCustomizer.class));
	}

	private CacheSpec spec(String name) {
		return this.properties.getCaches().computeIfAbsent(name, (key) -> new CacheSpec());
	}

	private void addCustomizer(String name, int order, UnaryOperator<CacheSettings> customization) {
		this.beanFactory.registerSingleton(name, new TestCustomizer(name, order, customization));
	}

	record TestCustomizer(String name, int order,
			UnaryOperator<CacheSettings> customization) implements TierCacheCustomizer, Ordered {

		@Override
		public CacheSettings customize(CacheSettings settings) {
			return this.customization.apply(settings);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
