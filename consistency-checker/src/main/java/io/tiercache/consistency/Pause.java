package io.tiercache.consistency;

import java.time.Duration;

/**
 * Sleeping as part of the workload's schedule (fault holds, fault intervals, draining),
 * never as a substitute for an assertion.
 */
final class Pause {

	private Pause() {
	}

	/**
	 * Sleep, restoring the interrupt flag if interrupted.
	 * @param duration how long
	 * @return {@code false} if interrupted
	 */
	static boolean sleep(Duration duration) {
		try {
			Thread.sleep(Math.max(0, duration.toMillis()));
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
