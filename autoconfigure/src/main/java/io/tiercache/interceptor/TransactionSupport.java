package io.tiercache.interceptor;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs invalidations after the current transaction commits. Kept apart so that spring-tx
 * is only loaded when present.
 */
final class TransactionSupport {

	private TransactionSupport() {
	}

	/**
	 * Run the action after the current transaction commits.
	 * @return whether it was registered; {@code false} outside a transaction
	 */
	static boolean runAfterCommit(Runnable action) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return false;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				action.run();
			}

			@Override
			public void afterCompletion(int status) {
				// The commit may have succeeded: invalidating too much is safe, too
				// little is not
				if (status == STATUS_UNKNOWN) {
					action.run();
				}
			}

		});
		return true;
	}

}
