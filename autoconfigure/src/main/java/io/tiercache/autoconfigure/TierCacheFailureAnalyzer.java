package io.tiercache.autoconfigure;

import io.tiercache.interceptor.InvalidAnnotationException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Reports what makes tiercache fail at startup as Boot reports its own failures: what is
 * wrong, naming the property or the method, and the action that fixes it. It reports a
 * {@link TierCacheConfigurationException} (properties, customizers, the connection
 * factory) and an {@link InvalidAnnotationException} (annotations), wherever they are
 * among the causes.
 */
class TierCacheFailureAnalyzer implements FailureAnalyzer {

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof TierCacheConfigurationException configuration) {
				return new FailureAnalysis(configuration.getMessage(), configuration.getAction(), configuration);
			}
			if (cause instanceof InvalidAnnotationException annotation) {
				return new FailureAnalysis(annotation.getMessage(), annotation.getAction(), annotation);
			}
		}
		return null;
	}

}
