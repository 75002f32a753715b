package io.tiercache.redis;

/**
 * Redis could not be used for an operation: it failed, timed out, or the circuit breaker
 * is open. Callers fall back to the underlying method; this never reaches application
 * code.
 *
 * @since 0.1.0
 */
public class RedisUnavailableException extends RuntimeException {

	private final String operation;

	public RedisUnavailableException(String operation, String message, Throwable cause) {
		super(message, cause);
		this.operation = operation;
	}

	public RedisUnavailableException(String operation, String message) {
		super(message);
		this.operation = operation;
	}

	/**
	 * The tiercache operation that failed, such as {@code read}, {@code write},
	 * {@code invalidate}.
	 */
	public String operation() {
		return this.operation;
	}

}
