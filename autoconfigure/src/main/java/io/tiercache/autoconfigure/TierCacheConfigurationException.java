package io.tiercache.autoconfigure;

/**
 * tiercache cannot start as configured: what is wrong, naming the property or the cache,
 * and what to do. {@link TierCacheFailureAnalyzer} reports it as Spring Boot reports its
 * own failures. An {@link IllegalStateException}, as a configuration Spring cannot use.
 *
 * @since 0.1.0
 */
public class TierCacheConfigurationException extends IllegalStateException {

	private final String action;

	/**
	 * Create an exception.
	 * @param description what is wrong, naming the property or the cache
	 * @param action how to fix it
	 */
	public TierCacheConfigurationException(String description, String action) {
		super(description);
		this.action = action;
	}

	/** How to fix it. */
	public String getAction() {
		return this.action;
	}

}
