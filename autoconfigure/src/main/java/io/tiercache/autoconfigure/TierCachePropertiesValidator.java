package io.tiercache.autoconfigure;

import java.time.Duration;

import io.tiercache.autoconfigure.TierCacheProperties.CacheSpec;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Checks {@link TierCacheProperties} at startup, so that a wrong value fails with a message
 * naming the property rather than misbehaving later.
 */
final class TierCachePropertiesValidator {

	private TierCachePropertiesValidator() {
	}

	static void validate(TierCacheProperties properties) {
		Duration maxTtl = properties.getMaxTtl();
		positive("tiercache.max-ttl", maxTtl);
		notBlank("tiercache.namespace", properties.getNamespace());
		positive("tiercache.default-ttl", properties.getDefaultTtl());
		if (properties.getDefaultTtl().compareTo(maxTtl) > 0) {
			throw invalid("tiercache.default-ttl", properties.getDefaultTtl(),
					"must be at most tiercache.max-ttl (" + maxTtl + ")");
		}
		var jitter = TierCacheAutoConfiguration.parseJitter("tiercache.default-jitter", properties.getDefaultJitter());
		if (jitter.exceeds(properties.getDefaultTtl())) {
			throw invalid("tiercache.default-jitter", properties.getDefaultJitter(),
					"exceeds tiercache.default-ttl (" + properties.getDefaultTtl() + ")");
		}
		if (properties.getLocal().getMaximumSize() < 0) {
			throw invalid("tiercache.local.maximum-size", properties.getLocal().getMaximumSize(),
					"must be zero or more");
		}
		positive("tiercache.local.max-ttl", properties.getLocal().getMaxTtl());
		notBlank("tiercache.redis.key-prefix", properties.getRedis().getKeyPrefix());
		positive("tiercache.redis.command-timeout", properties.getRedis().getCommandTimeout());
		if (properties.getRedis().getBreaker().getFailureThreshold() < 1) {
			throw invalid("tiercache.redis.breaker.failure-threshold",
					properties.getRedis().getBreaker().getFailureThreshold(), "must be at least 1");
		}
		positive("tiercache.redis.breaker.open-duration", properties.getRedis().getBreaker().getOpenDuration());
		positive("tiercache.fanout.check-interval", properties.getFanout().getCheckInterval());
		positive("tiercache.fanout.subscribe-timeout", properties.getFanout().getSubscribeTimeout());
		if (properties.getRedis().getMaxValueSize().toBytes() < 1) {
			throw invalid("tiercache.redis.max-value-size", properties.getRedis().getMaxValueSize(), "must be positive");
		}
		positive("tiercache.lease.timeout", properties.getLease().getTimeout());
		positive("tiercache.lease.max-wait", properties.getLease().getMaxWait());
		if (!(properties.getRefresh().getBeta() >= 0)) {
			throw invalid("tiercache.refresh.beta", properties.getRefresh().getBeta(), "must be zero (off) or positive");
		}
		if (properties.getRefresh().getThreads() < 1) {
			throw invalid("tiercache.refresh.threads", properties.getRefresh().getThreads(), "must be at least 1");
		}
		properties.getCaches().forEach((name, spec) -> validate(name, spec, maxTtl));
	}

	/**
	 * Check every {@code tiercache.caches.<name>.*}, whether or not a method of that cache
	 * exists yet.
	 */
	private static void validate(String name, CacheSpec spec, Duration maxTtl) {
		String prefix = "tiercache.caches." + name + ".";
		TierCacheAutoConfiguration.parseJitter(prefix + "jitter", spec.getJitter());
		if (spec.getTtl() != null
				&& (spec.getTtl().isNegative() || spec.getTtl().isZero() || spec.getTtl().compareTo(maxTtl) > 0)) {
			throw new IllegalStateException("Invalid " + prefix + "ttl: " + spec.getTtl()
					+ " must be positive and at most tiercache.max-ttl (" + maxTtl + ")");
		}
		if (spec.getStaleWhileRevalidate() != null && spec.getStaleWhileRevalidate().isNegative()) {
			throw new IllegalStateException("Invalid " + prefix + "stale-while-revalidate: "
					+ spec.getStaleWhileRevalidate() + " must not be negative");
		}
		if (spec.getNullTtl() != null && (spec.getNullTtl().isNegative() || spec.getNullTtl().compareTo(maxTtl) > 0)) {
			throw new IllegalStateException("Invalid " + prefix + "null-ttl: " + spec.getNullTtl()
					+ " must be between 0 and tiercache.max-ttl (" + maxTtl + ")");
		}
	}

	private static void positive(String property, @Nullable Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw invalid(property, value, "must be positive");
		}
	}

	private static void notBlank(String property, @Nullable String value) {
		if (!StringUtils.hasText(value)) {
			throw invalid(property, value, "must not be empty");
		}
	}

	private static IllegalStateException invalid(String property, @Nullable Object value, String problem) {
		return new IllegalStateException("Invalid " + property + ": '" + value + "' " + problem);
	}

}
