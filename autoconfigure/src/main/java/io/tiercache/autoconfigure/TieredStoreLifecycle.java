package io.tiercache.autoconfigure;

import io.tiercache.store.TieredStore;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Closes the store while Redis can still be reached: invalidations queued during an
 * outage are published on shutdown ({@code tiercache.shutdown-timeout}) only if the
 * connection factory has not stopped yet. Spring Data Redis's factory is itself a
 * {@link SmartLifecycle}, stopped in its phase, before any bean is destroyed; a destroy
 * method on the store would run too late. This stops after the web server (so no request
 * queues another invalidation meanwhile) and before the factory.
 */
final class TieredStoreLifecycle implements SmartLifecycle {

	/** Below every phase Spring Boot stops a web server in. */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

	private final TieredStore store;

	private final int phase;

	private volatile boolean running;

	TieredStoreLifecycle(TieredStore store, RedisConnectionFactory connectionFactory) {
		this.store = store;
		this.phase = phaseBefore(connectionFactory);
	}

	static int phaseBefore(RedisConnectionFactory connectionFactory) {
		if (connectionFactory instanceof SmartLifecycle lifecycle && lifecycle.getPhase() >= PHASE) {
			return (lifecycle.getPhase() == Integer.MAX_VALUE) ? Integer.MAX_VALUE : lifecycle.getPhase() + 1;
		}
		return PHASE;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.store.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

}
