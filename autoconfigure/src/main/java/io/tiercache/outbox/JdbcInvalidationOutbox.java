package io.tiercache.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import io.tiercache.store.InvalidationOutbox;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The writing side of the outbox: an {@link InvalidationOutbox} that inserts one row per
 * invalidation through a {@link JdbcTemplate}, so on the connection of the transaction
 * bound to the calling thread (Spring's {@code DataSourceUtils}), and publishes it after
 * that transaction commits. The row commits or rolls back with the business change:
 * committed, its invalidation cannot be lost, since a relay publishes it if this process
 * does not mark it published.
 * <p>
 * What it costs the transaction is that one insert. Marking the row published is left to
 * the {@link OutboxRelay}'s thread, in batches, off the caller's path: should that be
 * late, a relay publishes the invalidation a second time, which is harmless.
 *
 * @since 0.1.0
 */
public final class JdbcInvalidationOutbox implements InvalidationOutbox {

	private final DataSource dataSource;

	private final OutboxTable table;

	private final LongSupplier clock;

	private final Queue<String> published = new ConcurrentLinkedQueue<>();

	private volatile Runnable publishedListener = () -> {
	};

	/**
	 * Create an outbox over a table.
	 * @param dataSource the data source whose transactions the rows join: the one the
	 * application's transaction manager manages
	 * @param tableName the table, an unquoted SQL identifier
	 */
	public JdbcInvalidationOutbox(DataSource dataSource, String tableName) {
		this(dataSource, tableName, System::currentTimeMillis);
	}

	JdbcInvalidationOutbox(DataSource dataSource, String tableName, LongSupplier clock) {
		this.dataSource = dataSource;
		this.table = new OutboxTable(new JdbcTemplate(dataSource), tableName);
		this.clock = clock;
	}

	@Override
	public boolean write(List<String> tags, Consumer<Written> afterCommit) {
		// Without a transaction there is nothing to be atomic with; a read-only one
		// refuses the insert.
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.isSynchronizationActive()
				|| TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			return false;
		}
		String id = UUID.randomUUID().toString();
		this.table.insert(id, tags, this.clock.getAsLong());
		TransactionSynchronizationManager.registerSynchronization(new AfterCommit(() -> afterCommit.accept(() -> {
			this.published.add(id);
			this.publishedListener.run();
		})));
		return true;
	}

	/** The data source of the table. */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/** The name of the table. */
	public String tableName() {
		return this.table.name();
	}

	OutboxTable table() {
		return this.table;
	}

	long now() {
		return this.clock.getAsLong();
	}

	/** Be told when rows are waiting to be marked published. */
	void onPublished(Runnable listener) {
		this.publishedListener = listener;
	}

	/**
	 * The rows whose invalidation this process published since the last call.
	 * @param max the most to take
	 * @return their ids
	 */
	List<String> takePublished(int max) {
		List<String> ids = new ArrayList<>();
		String id;
		while (ids.size() < max && (id = this.published.poll()) != null) {
			ids.add(id);
		}
		return ids;
	}

	/** Put back rows that could not be marked, to be marked at the next attempt. */
	void returnPublished(List<String> ids) {
		this.published.addAll(ids);
	}

	/**
	 * Publishes after completion rather than after commit: a synchronization registered
	 * while the transaction is already completing (from another one's
	 * {@code afterCommit}) gets no {@code afterCommit} call, but it still gets this one.
	 */
	private static final class AfterCommit implements TransactionSynchronization {

		private final Runnable action;

		AfterCommit(Runnable action) {
			this.action = action;
		}

		@Override
		public void afterCompletion(int status) {
			// The commit may have succeeded when the status is unknown: invalidating too
			// much is safe, too little is not
			if (status != STATUS_ROLLED_BACK) {
				this.action.run();
			}
		}

		@Override
		public String toString() {
			return "tiercache outbox publish";
		}

	}

}
