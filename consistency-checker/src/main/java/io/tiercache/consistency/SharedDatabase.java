package io.tiercache.consistency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.h2.tools.Server;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * The one database every instance reads and writes: an in-memory H2 database under a name
 * unique to the run, kept open until {@link #close()} ({@code DB_CLOSE_DELAY=-1}) however
 * many connection pools come and go. It is the source of truth the history is checked
 * against: versions only grow, one per committed write.
 */
final class SharedDatabase implements AutoCloseable {

	static final String USERNAME = "sa";

	private final String url;

	private @Nullable Server server;

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

	/**
	 * Serve the database over TCP on a loopback port, for instances in other processes.
	 * @return the URL they connect to
	 */
	synchronized String serve() {
		if (this.server == null) {
			try {
				this.server = Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-tcpDaemon").start();
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not serve the database over TCP", ex);
			}
		}
		String path = this.url.substring("jdbc:h2:".length(), this.url.indexOf(';'));
		return "jdbc:h2:tcp://127.0.0.1:" + this.server.getPort() + "/" + path + ";LOCK_TIMEOUT=10000";
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

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(this.url, USERNAME, "");
	}

	/** Drop the database, so that runs in one JVM do not accumulate them. */
	@Override
	public void close() {
		synchronized (this) {
			if (this.server != null) {
				this.server.stop();
			}
		}
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute("SHUTDOWN");
		}
		catch (SQLException ex) {
			// Already gone.
		}
	}

}
