package io.tiercache.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.tiercache.cache.SpringCacheValueCodec;
import io.tiercache.redis.RedisKeys;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.StoreOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Checks {@link TierCacheProperties} at startup, so that a wrong value fails with a
 * {@link TierCacheConfigurationException} naming the property and what to set it to,
 * rather than misbehaving later.
 */
final class TierCachePropertiesValidator {

	// As the outbox requires it: the name goes into its statements as it is
	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

	private static final Pattern PACKAGE_NAME = Pattern.compile(
			"\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

	private TierCachePropertiesValidator() {
	}

	/**
	 * Check the properties.
	 * @param properties the properties
	 * @param policy the policy over these properties, which applies
	 * {@code tiercache.caches.<name>.*} to the defaults
	 * @throws TierCacheConfigurationException naming the first invalid property
	 */
	static void validate(TierCacheProperties properties, CacheSettingsPolicy policy) {
		validate(properties, null, policy);
	}

	/**
	 * Check the properties, and the application name when the namespace defaults to it.
	 * @param properties the properties
	 * @param environment the environment holding {@code spring.application.name}, or
	 * {@code null} if there is none
	 * @param policy the policy over these properties, which applies
	 * {@code tiercache.caches.<name>.*} to the defaults
	 * @throws TierCacheConfigurationException naming the first invalid property
	 */
	static void validate(TierCacheProperties properties, @Nullable Environment environment,
			CacheSettingsPolicy policy) {
		Duration maxTtl = properties.getMaxTtl();
		positive("tiercache.max-ttl", maxTtl);
		validateNamespace(properties, environment);
		validateDefaults(policy, maxTtl);
		if (properties.getLocal().getMaximumSize() < 0) {
			throw invalid("tiercache.local.maximum-size", properties.getLocal().getMaximumSize(),
					"must be zero or more", "zero (no entry kept locally) or more");
		}
		positive("tiercache.local.max-ttl", properties.getLocal().getMaxTtl());
		keyPart("tiercache.redis.key-prefix", properties.getRedis().getKeyPrefix());
		positive("tiercache.redis.command-timeout", properties.getRedis().getCommandTimeout());
		if (properties.getRedis().getBreaker().getFailureThreshold() < 1) {
			throw invalid("tiercache.redis.breaker.failure-threshold",
					properties.getRedis().getBreaker().getFailureThreshold(), "must be at least 1", "1 or more");
		}
		positive("tiercache.redis.breaker.open-duration", properties.getRedis().getBreaker().getOpenDuration());
		positive("tiercache.fanout.check-interval", properties.getFanout().getCheckInterval());
		positive("tiercache.local.max-unconfirmed", properties.getLocal().getMaxUnconfirmed());
		if (properties.getLocal().getMaxUnconfirmed().compareTo(properties.getFanout().getCheckInterval()) <= 0) {
			// Each check confirms for this long: no longer than the interval, and trust
			// would lapse between every two checks.
			throw new TierCacheConfigurationException(
					"Invalid tiercache.local.max-unconfirmed: '" + properties.getLocal().getMaxUnconfirmed()
							+ "' must be longer than tiercache.fanout.check-interval ("
							+ properties.getFanout().getCheckInterval() + ")",
					"Set tiercache.local.max-unconfirmed longer than tiercache.fanout.check-interval (twice as long "
							+ "lets one check be late), or shorten tiercache.fanout.check-interval.");
		}
		positive("tiercache.fanout.subscribe-timeout", properties.getFanout().getSubscribeTimeout());
		if (properties.getRedis().getMaxValueSize().toBytes() < 1) {
			throw invalid("tiercache.redis.max-value-size", properties.getRedis().getMaxValueSize(), "must be positive",
					"a positive size, such as 1MB");
		}
		validateReplicaAcks(properties.getRedis());
		validateSlotGroups(properties.getRedis());
		positive("tiercache.lease.timeout", properties.getLease().getTimeout());
		positive("tiercache.lease.max-wait", properties.getLease().getMaxWait());
		if (properties.getShutdownTimeout() == null || properties.getShutdownTimeout().isNegative()) {
			throw invalid("tiercache.shutdown-timeout", properties.getShutdownTimeout(), "must be zero or more",
					"zero (do not wait) or a positive duration");
		}
		if (!(properties.getRefresh().getBeta() >= 0)) {
			throw invalid("tiercache.refresh.beta", properties.getRefresh().getBeta(), "must be zero (off) or positive",
					"0 (no early refresh) or a positive number");
		}
		if (properties.getRefresh().getThreads() < 1) {
			throw invalid("tiercache.refresh.threads", properties.getRefresh().getThreads(), "must be at least 1",
					"1 or more");
		}
		if (properties.getRedis().getAsyncThreads() < 1) {
			throw invalid("tiercache.redis.async-threads", properties.getRedis().getAsyncThreads(),
					"must be at least 1", "1 or more");
		}
		TierCacheProperties.Outbox outbox = properties.getOutbox();
		if (!TABLE_NAME.matcher(outbox.getTableName()).matches()) {
			throw invalid("tiercache.outbox.table-name", outbox.getTableName(),
					"must be an unquoted SQL identifier (letters, digits and '_', not starting with a digit)",
					"an unquoted SQL identifier such as TIERCACHE_OUTBOX");
		}
		positive("tiercache.outbox.relay-delay", outbox.getRelayDelay());
		positive("tiercache.outbox.poll-interval", outbox.getPollInterval());
		positive("tiercache.outbox.retention", outbox.getRetention());
		// Every entry, whether or not a method of that cache exists yet, but only for
		// what no declaration of the cache could make valid: over the defaults, an entry
		// may conflict with a default its method's annotation replaces. Each method's
		// own settings are checked when it is parsed, and those of caches no method
		// declares once every bean is created (UndeclaredCacheSettingsCheck).
		// Customizers are left out: their beans are not asked for this early.
		for (String name : policy.specs().names()) {
			try {
				policy.applySpec(policy.defaultSettings(name)).validate(maxTtl);
			}
			catch (CacheSettings.InvalidSettingsException ex) {
				if (!policy.suitsSomeDeclaration(name)) {
					List<String> origins = policy.originsOfDefaults(name, ex.settings());
					throw new TierCacheConfigurationException(
							"Invalid " + policy.specs().prefix(name) + ": " + ex.getMessage() + ex.origins(origins),
							ex.action(origins));
				}
			}
		}
	}

	/**
	 * Check {@code tiercache.spring-cache.trusted-packages}, before a codec is made of
	 * them.
	 * @param bridge the properties of the Spring Cache bridge
	 * @throws TierCacheConfigurationException naming a package that is not a package name
	 */
	static void validateTrustedPackages(TierCacheProperties.SpringCache bridge) {
		for (String trusted : bridge.getTrustedPackages()) {
			if (!PACKAGE_NAME.matcher(trusted).matches()) {
				// Such as com.acme.*: a filter pattern that would trust nothing
				throw new TierCacheConfigurationException(
						"Invalid tiercache.spring-cache.trusted-packages: '" + trusted + "' is not a package name",
						"List package names in tiercache.spring-cache.trusted-packages, such as com.acme: each "
								+ "includes its sub-packages, so no wildcard is needed.");
			}
		}
	}

	/**
	 * Check {@code tiercache.spring-cache.value-types}: a cache declared to hold values
	 * of a class the codec refuses would never read one back.
	 * @param bridge the properties of the Spring Cache bridge
	 * @param trustedPackages the packages the codec trusts: the configured ones, or the
	 * application's
	 * @param codec the codec over them
	 * @throws TierCacheConfigurationException naming the cache whose value type is not
	 * trusted
	 */
	static void validateValueTypes(TierCacheProperties.SpringCache bridge, List<String> trustedPackages,
			SpringCacheValueCodec codec) {
		bridge.getValueTypes().forEach((cache, types) -> {
			for (Class<?> type : types) {
				if (!codec.trusts(type)) {
					String property = "tiercache.spring-cache.value-types." + cache;
					throw new TierCacheConfigurationException("Invalid " + property + ": " + type.getName()
							+ " is in none of the trusted packages (java.lang, java.util, java.time, java.math and "
							+ trustedPackages + "), so every value of it would be refused and the cache would "
							+ "always miss",
							"Add " + type.getPackageName() + " to tiercache.spring-cache.trusted-packages, or correct "
									+ property + ".");
				}
			}
		});
	}

	// The defaults are the settings of a cache that sets nothing itself
	private static void validateDefaults(CacheSettingsPolicy policy, Duration maxTtl) {
		try {
			policy.defaultSettings("defaults").validate(maxTtl);
		}
		catch (CacheSettings.InvalidSettingsException ex) {
			List<String> origins = ex.settings().stream().map(CacheSettingsPolicy::defaultProperty).toList();
			throw new TierCacheConfigurationException(
					"Invalid tiercache.default-ttl and tiercache.default-jitter: " + ex.getMessage(),
					ex.action(origins));
		}
	}

	private static void validateNamespace(TierCacheProperties properties, @Nullable Environment environment) {
		if (properties.getNamespace() != null) {
			keyPart("tiercache.namespace", properties.getNamespace());
			return;
		}
		String applicationName = TierCacheProperties.applicationName(environment);
		if (applicationName != null && (applicationName.indexOf('{') >= 0 || applicationName.indexOf('}') >= 0)) {
			// Not rewritten: the namespace decides which applications share entries, so
			// it is never one that nobody wrote
			throw new TierCacheConfigurationException(
					"Invalid " + TierCacheProperties.APPLICATION_NAME + " '" + applicationName
							+ "' as tiercache's namespace, which defaults to it: it must not contain '{' "
							+ "or '}' (the keys' Redis Cluster hash tag is made of it)",
					"Set tiercache.namespace to a value without braces, such as the application name without them "
							+ "(applications with the same namespace share entries and invalidations), or rename "
							+ "the application.");
		}
	}

	private static void validateSlotGroups(TierCacheProperties.Redis redis) {
		Integer groups = redis.getSlotGroups();
		if (groups != null && (groups < 1 || groups > RedisKeys.MAX_GROUPS)) {
			throw new TierCacheConfigurationException(
					"Invalid tiercache.redis.slot-groups: '" + groups + "' must be between 1 and "
							+ RedisKeys.MAX_GROUPS + ".",
					"Remove tiercache.redis.slot-groups for the default (" + StoreOptions.CLUSTER_SLOT_GROUPS
							+ " on a Redis Cluster, 1 otherwise), or set it between 1 and " + RedisKeys.MAX_GROUPS
							+ ".");
		}
	}

	private static void validateReplicaAcks(TierCacheProperties.Redis redis) {
		int acks = redis.getReplicaAcks();
		if (acks < 0) {
			throw new TierCacheConfigurationException(
					"Invalid tiercache.redis.replica-acks: '" + acks + "' must be zero (do not wait) or more.",
					"Set tiercache.redis.replica-acks to the number of replicas that must acknowledge each "
							+ "invalidation, or to 0 not to wait for replicas.");
		}
		Duration timeout = redis.getReplicaAckTimeout();
		if (timeout == null || timeout.isNegative() || (acks > 0 && timeout.isZero())) {
			// WAIT with a timeout of 0 blocks until enough replicas answer: a replica
			// that is gone would hold up every invalidation for good.
			throw new TierCacheConfigurationException(
					"Invalid tiercache.redis.replica-ack-timeout: '" + timeout + "' must be positive when "
							+ "tiercache.redis.replica-acks is " + acks
							+ " (Redis's WAIT with a timeout of 0 waits for ever).",
					"Set tiercache.redis.replica-ack-timeout to a positive duration, such as 100ms, or "
							+ "tiercache.redis.replica-acks to 0 not to wait for replicas.");
		}
	}

	private static void positive(String property, @Nullable Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw invalid(property, value, "must be positive", "a positive duration, such as 500ms or 5s");
		}
	}

	/**
	 * A part of the hash tag every key starts with: not blank, and without braces, which
	 * would end the tag early and scatter a namespace's keys over Redis Cluster slots.
	 */
	private static void keyPart(String property, @Nullable String value) {
		notBlank(property, value);
		if (value.indexOf('{') >= 0 || value.indexOf('}') >= 0) {
			throw invalid(property, value,
					"must not contain '{' or '}' (the keys' Redis Cluster hash tag is made of it)",
					"a value without braces, such as tc");
		}
	}

	private static void notBlank(String property, @Nullable String value) {
		if (!StringUtils.hasText(value)) {
			throw invalid(property, value, "must not be empty", "a value that is not blank");
		}
	}

	/**
	 * The failure of a property.
	 * @param property the property
	 * @param value its value
	 * @param problem what is wrong with it
	 * @param valid what it may be set to, such as {@code 1 or more}
	 */
	private static TierCacheConfigurationException invalid(String property, @Nullable Object value, String problem,
			String valid) {
		return new TierCacheConfigurationException("Invalid " + property + ": '" + value + "' " + problem,
				"Set " + property + " to " + valid + ", or remove it to use its default.");
	}

}
