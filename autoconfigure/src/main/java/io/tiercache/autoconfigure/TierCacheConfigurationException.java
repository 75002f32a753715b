package io.tiercache.autoconfigure;

/**
 * tiercache cannot start as configured; {@link TierCacheFailureAnalyzer} reports it as
 * what is wrong and what to do.
 *
 * @since 0.1.0
 */
public class TierCacheConfigurationException extends RuntimeException {

	private final String action;

	/**
	 * Create an exception.
	 * @param description what is wrong
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
