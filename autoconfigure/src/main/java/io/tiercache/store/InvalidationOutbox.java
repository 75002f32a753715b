package io.tiercache.store;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where an invalidation made inside a transaction is written, in that same transaction,
 * so that it outlives this process: the transactional outbox. The store still publishes
 * the invalidation itself once the transaction has committed; the outbox's relay
 * publishes, from whichever process can reach Redis, the invalidations whose writer could
 * not (Redis unreachable or too slow, the process stopped or killed between the commit
 * and the publish).
 * <p>
 * The store owns this interface and calls it from {@link TieredStore#invalidateOnCommit};
 * {@code io.tiercache.outbox} implements it over JDBC.
 *
 * @since 0.1.0
 */
public interface InvalidationOutbox {

	/** Writes nothing: invalidations live in memory only until they reach Redis. */
	InvalidationOutbox NONE = (tags, afterCommit) -> false;

	/**
	 * Write an invalidation in the transaction active on the calling thread, and run
	 * {@code afterCommit} once that transaction has committed (or if whether it committed
	 * is unknown); never if it rolls back.
	 * @param tags the tags, distinct and not empty
	 * @param afterCommit publishes the invalidation, and tells the written row once it
	 * reached Redis
	 * @return whether it was written; {@code false} if no transaction is active, in which
	 * case nothing was written and {@code afterCommit} never runs
	 * @throws RuntimeException if it could not be written: the transaction must not
	 * commit without it
	 */
	boolean write(List<String> tags, Consumer<Written> afterCommit);

	/** An invalidation written to the outbox. */
	@FunctionalInterface
	interface Written {

		/**
		 * Its invalidation reached Redis, so no relay needs to publish it. Never throws;
		 * the row may be marked later, on another thread.
		 */
		void published();

	}

}
