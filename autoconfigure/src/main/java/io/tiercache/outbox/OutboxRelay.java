package io.tiercache.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import io.tiercache.outbox.OutboxTable.Backlog;
import io.tiercache.outbox.OutboxTable.Claim;
import io.tiercache.outbox.OutboxTable.Row;
import io.tiercache.store.TieredStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay of the outbox, one per process, on a thread of its own: every poll interval
 * it marks published the rows whose invalidation this process published, then publishes
 * the rows that are still not marked a relay delay after they were written (their writer
 * could not reach Redis, or stopped or died between its commit and its publish), then
 * deletes old rows. Any process that can reach Redis thus publishes what a dead or
 * partitioned writer could not.
 * <p>
 * <b>At least once.</b> A row may be published twice: by its writer and by a relay when
 * the writer's mark came later than the relay delay, or by two relays when a lease ran
 * out. That is harmless: an invalidation only moves the tags' records in Redis to a new,
 * higher number, so a second one kills nothing that the first left valid but what was
 * loaded in between, which then just loads again ([I1]-[I4] in
 * {@code docs/correctness.md}).
 * <p>
 * <b>Not twice in one round.</b> Two relays do not both publish a row in the same round:
 * a relay leases each row it publishes ({@code CLAIMED_UNTIL}, for one relay delay and at
 * least a second), picking the rows with {@code SELECT ... FOR UPDATE SKIP LOCKED} where
 * the database has it, so that relays do not wait for each other, and elsewhere with a
 * conditional update that only one relay wins. No lock is held while Redis is called: a
 * relay that dies in the middle of a round delays its rows by a lease, however the
 * database learns of its death.
 *
 * @since 0.1.0
 */
public final class OutboxRelay implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OutboxRelay.class);

	/** Rows claimed at a time. */
	private static final int BATCH_SIZE = 100;

	/** Batches published in one round at most, so that a round stays short. */
	private static final int MAX_BATCHES = 10;

	/**
	 * The shortest lease of a row: far longer than a round takes, which stops at the
	 * first publish that fails (within the command timeout).
	 */
	private static final long MIN_LEASE_MILLIS = 1000;

	private static final long CLEANUP_INTERVAL_MILLIS = Duration.ofMinutes(1).toMillis();

	private static final long LOG_INTERVAL_MILLIS = Duration.ofMinutes(1).toMillis();

	/** Told of what the relay does, for metrics. */
	public interface Observer {

		/** Observes nothing. */
		Observer NONE = new Observer() {
		};

		/**
		 * Rows were relayed: published by this relay because their writer had not marked
		 * them.
		 * @param rows how many
		 */
		default void relayed(int rows) {
		}

		/**
		 * What the last round saw of the rows not published yet.
		 * @param rows their number, in the whole table
		 * @param oldestAge the age of the oldest, zero for none
		 */
		default void backlog(long rows, Duration oldestAge) {
		}

	}

	private final JdbcInvalidationOutbox outbox;

	private final OutboxTable table;

	private final Predicate<List<String>> publisher;

	private final Observer observer;

	private final TransactionTemplate transactions;

	private final long relayDelayMillis;

	private final long leaseMillis;

	private final long pollIntervalMillis;

	private final long retentionMillis;

	private final long maxAgeMillis;

	private final int batchSize;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "tiercache-outbox-relay");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicBoolean markScheduled = new AtomicBoolean();

	private volatile @Nullable Claim claim;

	private volatile boolean running;

	private long lastCleanup;

	private long lastFailureLog = Long.MIN_VALUE;

	private int failuresNotLogged;

	/**
	 * Create a relay; it polls once {@linkplain #start() started}.
	 * @param outbox the outbox whose table to relay
	 * @param store the store that publishes rows, whose {@code tiercache.max-ttl} bounds
	 * how long an unpublished row is worth keeping
	 * @param relayDelay how long after it was written a row not marked published is
	 * published by a relay
	 * @param pollInterval how often to look for such rows
	 * @param retention how long published rows are kept
	 * @param observer told of relayed rows and of the backlog
	 */
	public OutboxRelay(JdbcInvalidationOutbox outbox, TieredStore store, Duration relayDelay, Duration pollInterval,
			Duration retention, Observer observer) {
		this(outbox, store::relay, store.options().maxTtl(), relayDelay, pollInterval, retention, observer, null,
				BATCH_SIZE);
	}

	/**
	 * Create a relay.
	 * @param publisher publishes a row's tags once, saying whether they reached Redis
	 * @param maxAge the age past which a row is deleted even unpublished: nothing it
	 * invalidates can still be cached ({@code tiercache.max-ttl})
	 * @param claim how to claim rows, or {@code null} to choose from the database
	 * @param batchSize rows claimed at a time
	 */
	OutboxRelay(JdbcInvalidationOutbox outbox, Predicate<List<String>> publisher, Duration maxAge, Duration relayDelay,
			Duration pollInterval, Duration retention, Observer observer, @Nullable Claim claim, int batchSize) {
		this.outbox = outbox;
		this.table = outbox.table();
		this.publisher = publisher;
		this.observer = observer;
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(outbox.dataSource()));
		this.relayDelayMillis = relayDelay.toMillis();
		// A relay that dies in the middle of a round (killed while Redis hangs, say)
		// delays the rows it leased by a lease: one relay delay is what they already
		// waited for. A lease that runs out under a slow round only lets another relay
		// publish a row twice, which is harmless.
		this.leaseMillis = Math.max(MIN_LEASE_MILLIS, this.relayDelayMillis);
		this.pollIntervalMillis = Math.max(10, pollInterval.toMillis());
		this.retentionMillis = retention.toMillis();
		this.maxAgeMillis = maxAge.toMillis();
		this.claim = claim;
		this.batchSize = batchSize;
		outbox.onPublished(this::markSoon);
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.scheduler.scheduleWithFixedDelay(this::poll, this.pollIntervalMillis, this.pollIntervalMillis,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Stop polling, after marking what this process published: a row left unmarked would
	 * be published again by another process's relay.
	 */
	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.scheduler.shutdown();
		try {
			if (!this.scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
				this.scheduler.shutdownNow();
			}
			markPublished();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not mark published outbox rows on shutdown; other relays will publish them again", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stopped after the web server (whose phases are {@code DEFAULT_PHASE - 1024} and
	 * {@code - 2048}), so that what the last requests published is marked when it stops.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	/**
	 * One round: mark, relay, measure the backlog and, now and then, delete old rows.
	 * Never throws; a database failure is logged (at most once a minute) and the next
	 * round tries again.
	 * @return the number of rows this round relayed
	 */
	int poll() {
		try {
			markPublished();
			int relayed = relayDue();
			Backlog backlog = this.table.backlog();
			long now = this.outbox.now();
			this.observer.backlog(backlog.rows(), (backlog.oldestCreatedAt() < 0) ? Duration.ZERO
					: Duration.ofMillis(Math.max(0, now - backlog.oldestCreatedAt())));
			if (now - this.lastCleanup >= Math.min(CLEANUP_INTERVAL_MILLIS, this.retentionMillis)) {
				this.lastCleanup = now;
				this.table.deleteOld(now - this.retentionMillis, now - this.maxAgeMillis);
			}
			return relayed;
		}
		catch (RuntimeException ex) {
			failed(ex);
			return 0;
		}
	}

	private void markSoon() {
		if (this.running && this.markScheduled.compareAndSet(false, true)) {
			try {
				this.scheduler.execute(() -> {
					this.markScheduled.set(false);
					try {
						markPublished();
					}
					catch (RuntimeException ex) {
						failed(ex);
					}
				});
			}
			catch (RejectedExecutionException ex) {
				// Stopping: stop() marks what is left.
				this.markScheduled.set(false);
			}
		}
	}

	private void markPublished() {
		List<String> ids;
		while (!(ids = this.outbox.takePublished(this.batchSize)).isEmpty()) {
			try {
				this.table.markPublished(ids, this.outbox.now());
			}
			catch (RuntimeException ex) {
				this.outbox.returnPublished(ids);
				throw ex;
			}
		}
	}

	private int relayDue() {
		Claim claim = claim();
		int relayed = 0;
		for (int batch = 0; batch < MAX_BATCHES; batch++) {
			long now = this.outbox.now();
			Round round = (claim == Claim.SKIP_LOCKED) ? relayLocked(now) : relayLeased(now);
			if (round.published() > 0) {
				relayed += round.published();
				this.observer.relayed(round.published());
			}
			if (!round.more()) {
				break;
			}
		}
		return relayed;
	}

	/**
	 * One batch picked under row locks and leased in the same short transaction, then
	 * published with no lock held: another relay skips the rows while they are locked and
	 * leaves them alone while they are leased.
	 */
	private Round relayLocked(long now) {
		long until = now + this.leaseMillis;
		List<Row> leased = this.transactions.execute((status) -> {
			List<Row> rows = this.table.claimLocked(now - this.relayDelayMillis, now, this.batchSize);
			for (Row row : rows) {
				this.table.lease(row.id(), until, now);
			}
			return rows;
		});
		if (leased == null) {
			return new Round(0, false);
		}
		return publishLeased(leased, leased.size());
	}

	/** One batch under leases, each row's won by a conditional update. */
	private Round relayLeased(long now) {
		List<Row> candidates = this.table.candidates(now - this.relayDelayMillis, now, this.batchSize);
		List<Row> leased = new ArrayList<>(candidates.size());
		long until = now + this.leaseMillis;
		for (Row row : candidates) {
			if (this.table.lease(row.id(), until, now)) {
				leased.add(row);
			}
		}
		return publishLeased(leased, candidates.size());
	}

	/**
	 * Publish leased rows in order, mark those that reached Redis and give back the
	 * leases of the others.
	 */
	private Round publishLeased(List<Row> leased, int candidates) {
		List<String> published = publish(leased);
		this.table.markPublished(published, this.outbox.now());
		if (published.size() < leased.size()) {
			List<String> unpublished = new ArrayList<>();
			for (Row row : leased.subList(published.size(), leased.size())) {
				unpublished.add(row.id());
			}
			this.table.releaseLeases(unpublished);
		}
		return new Round(published.size(), candidates == this.batchSize && published.size() == leased.size());
	}

	/** Publish rows in order, stopping at the first that does not reach Redis. */
	private List<String> publish(List<Row> rows) {
		List<String> published = new ArrayList<>(rows.size());
		for (Row row : rows) {
			if (!this.publisher.test(row.tags())) {
				break;
			}
			published.add(row.id());
		}
		return published;
	}

	private Claim claim() {
		Claim claim = this.claim;
		if (claim == null) {
			try {
				claim = JdbcUtils.extractDatabaseMetaData(this.outbox.dataSource(), OutboxTable::claimFor);
			}
			catch (MetaDataAccessException ex) {
				throw new DataAccessResourceFailureException("Could not tell how to claim outbox rows", ex);
			}
			this.claim = claim;
		}
		return claim;
	}

	private void failed(RuntimeException ex) {
		long now = System.currentTimeMillis();
		if (now - this.lastFailureLog >= LOG_INTERVAL_MILLIS) {
			String more = (this.failuresNotLogged > 0) ? " (" + this.failuresNotLogged + " more since the last report)"
					: "";
			this.lastFailureLog = now;
			this.failuresNotLogged = 0;
			logger.warn("Outbox table " + this.table.name() + " could not be relayed" + more + ": " + ex, ex);
		}
		else {
			this.failuresNotLogged++;
		}
	}

	@Override
	public String toString() {
		return "OutboxRelay[" + this.table.name() + ", every " + this.pollIntervalMillis + " ms, after "
				+ this.relayDelayMillis + " ms]";
	}

	private record Round(int published, boolean more) {
	}

}
