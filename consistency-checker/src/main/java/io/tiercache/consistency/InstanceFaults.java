package io.tiercache.consistency;

import java.time.Duration;

/**
 * What the {@link FaultInjector} can do to the instances under test, beyond what it does
 * to Redis: instances in the checker's JVM can lose messages, instances in processes of
 * their own can be stopped, killed and terminated. Each method picks its instance, does
 * the fault and says what it did; one that the instances cannot take throws
 * {@link UnsupportedOperationException} (options that ask for it are refused before a
 * run).
 */
interface InstanceFaults {

	/** One instance drops some of the messages it receives for the hold. */
	default String dropMessages(Duration hold) {
		throw new UnsupportedOperationException("drop needs instances in the checker's JVM");
	}

	/** {@code SIGSTOP} of one instance for the hold, then {@code SIGCONT}. */
	default String stop(Duration hold) {
		throw new UnsupportedOperationException("sigstop needs instances as processes");
	}

	/** {@code SIGKILL} of one instance, then starting it again without waiting. */
	default String kill() {
		throw new UnsupportedOperationException("sigkill needs instances as processes");
	}

	/**
	 * {@code SIGTERM} of one instance, waiting for its shutdown, then starting it again
	 * without waiting.
	 */
	default String terminate() {
		throw new UnsupportedOperationException("sigterm needs instances as processes");
	}

}
