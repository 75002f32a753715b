package io.tiercache.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code tiercache.enabled} is {@code false}, and fails startup when it is
 * neither {@code true} nor {@code false}: Boot's property conditions compare text, so
 * {@code maybe} or {@code ture} would otherwise turn tiercache off, and every cache with
 * it, without a word.
 */
class OnTierCacheEnabledCondition extends SpringBootCondition {

	static final String PROPERTY = "tiercache.enabled";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition(PROPERTY);
		String value = context.getEnvironment().getProperty(PROPERTY);
		if (value == null) {
			return ConditionOutcome.match(message.because("not set"));
		}
		if ("true".equalsIgnoreCase(value.trim())) {
			return ConditionOutcome.match(message.because("true"));
		}
		if ("false".equalsIgnoreCase(value.trim())) {
			return ConditionOutcome.noMatch(message.because("false"));
		}
		throw new TierCacheConfigurationException(
				"Invalid " + PROPERTY + ": '" + value + "' is neither true nor false, so whether tiercache caches"
						+ " is not known.",
				"Set " + PROPERTY + "=true to cache (the default when it is not set), or " + PROPERTY
						+ "=false to run every annotated method uncached.");
	}

}
