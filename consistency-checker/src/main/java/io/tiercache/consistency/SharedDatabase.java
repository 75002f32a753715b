package io.tiercache.consistency;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The one database every instance reads and writes: an in-memory H2 database under a name
 * unique to the run, kept open until {@link #close()} ({@code DB_CLOSE_DELAY=-1}) however
 * many connection pools come and go. It is the source of truth the history is checked
 * against: versions only grow, one per committed write.
 */
final class SharedDatabase implements AutoCloseable {

	static final String USERNAME = "sa";

	private final String url;

	private SharedDatabase(String url) {
		this.url = url;
	}

	/**
	 * Create the table and its items, every one at version 0.
	 * @param keyspace number of items, ids {@code 0} to {@code keyspace - 1}
	 * @param buckets number of buckets; item {@code id} is in bucket {@code id % buckets}
	 * @return the database
	 */
	static SharedDatabase create(int keyspace, int buckets) {
		String url = "jdbc:h2:mem:tiercache-check-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
		SharedDatabase database = new SharedDatabase(url);
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

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(this.url, USERNAME, "");
	}

	/** Drop the database, so that runs in one JVM do not accumulate them. */
	@Override
	public void close() {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute("SHUTDOWN");
		}
		catch (SQLException ex) {
			// Already gone.
		}
	}

}
