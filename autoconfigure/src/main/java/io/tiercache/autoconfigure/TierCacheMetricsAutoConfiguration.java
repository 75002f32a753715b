package io.tiercache.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.metrics.FanoutMeters;
import io.tiercache.metrics.MicrometerStoreObserver;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredStore;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of tiercache's Micrometer meters, when a {@link MeterRegistry}
 * exists: the store's and each cache's (with Boot's standard {@code cache.*} meters), and
 * the fan-out's.
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

}
