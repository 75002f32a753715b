package io.tiercache.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link TierCacheConfigurationException} at startup as Boot reports its own
 * failures: what is wrong, and the action that fixes it.
 */
class TierCacheFailureAnalyzer extends AbstractFailureAnalyzer<TierCacheConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TierCacheConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
