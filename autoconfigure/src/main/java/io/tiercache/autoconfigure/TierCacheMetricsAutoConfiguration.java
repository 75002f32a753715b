package io.tiercache.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.metrics.FanoutMeters;
import io.tiercache.metrics.MicrometerStoreObserver;
import io.tiercache.metrics.OutboxMeters;
import io.tiercache.outbox.OutboxRelay;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredStore;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of tiercache's Micrometer meters, when a {@link MeterRegistry}
 * exists: the store's and each cache's (with Boot's standard {@code cache.*} meters), the
 * fan-out's, and the outbox's when it is enabled.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = TierCacheAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, TieredStore.class })
public final class TierCacheMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(StoreObserver.class)
	MicrometerStoreObserver tierCacheMetrics(MeterRegistry registry) {
		return new MicrometerStoreObserver(registry);
	}

	@Bean
	@ConditionalOnMissingBean(InvalidationSubscriber.Observer.class)
	FanoutMeters tierCacheFanoutMeters(MeterRegistry registry, TieredStore store) {
		return new FanoutMeters(registry, store.trust());
	}

	/**
	 * The outbox's meters, when the outbox is configured.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.jdbc.core.JdbcTemplate")
	@ConditionalOnBean(OutboxRelay.class)
	static class OutboxMetersConfiguration {

		@Bean
		@ConditionalOnMissingBean(OutboxRelay.Observer.class)
		OutboxMeters tierCacheOutboxMeters(MeterRegistry registry) {
			return new OutboxMeters(registry);
		}

	}

}
