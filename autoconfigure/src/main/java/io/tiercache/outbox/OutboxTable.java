package io.tiercache.outbox;

import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The statements of the outbox table, one row per invalidation:
 * {@code ID, TAGS, CREATED_AT, PUBLISHED_AT, CLAIMED_UNTIL}. Times are epoch milliseconds
 * of the writing process's clock (as Spring Session JDBC stores them), so that every
 * database compares them the same way; tags are a JSON array.
 */
final class OutboxTable {

	/** An unquoted SQL identifier: the name goes into statements as it is. */
	static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

	private static final Pattern MARIADB_VERSION = Pattern.compile("(?:^5\\.5\\.5-)?(\\d+)\\.(\\d+)");

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final TypeReference<List<String>> TAG_LIST = new TypeReference<>() {
	};

	private static final RowMapper<Row> ROW = (resultSet, rowNumber) -> new Row(resultSet.getString(1),
			decode(resultSet.getString(2)), resultSet.getLong(3));

	/**
	 * How a relay makes sure that no other relay publishes the rows it publishes, in the
	 * same round.
	 */
	enum Claim {

		/**
		 * The rows are picked by a {@code SELECT ... FOR UPDATE SKIP LOCKED}, so that
		 * relays looking at once do not wait for each other, and leased in the same short
		 * transaction; no lock is held while they are published (a relay that dies
		 * holding locks, without closing its connection, would keep them until the
		 * database noticed).
		 */
		SKIP_LOCKED,

		/**
		 * Each row is leased by a conditional {@code UPDATE} of {@code CLAIMED_UNTIL},
		 * for databases without {@code SKIP LOCKED}.
		 */
		LEASE

	}

	private final JdbcTemplate jdbc;

	private final String name;

	private final String insert;

	private final String claimLocked;

	private final String candidates;

	private final String lease;

	private final String backlog;

	OutboxTable(JdbcTemplate jdbc, String name) {
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("Outbox table name '" + name + "' is not a plain SQL identifier");
		}
		this.jdbc = jdbc;
		this.name = name;
		this.insert = "INSERT INTO " + name + " (ID, TAGS, CREATED_AT) VALUES (?, ?, ?)";
		String due = " FROM " + name + " WHERE PUBLISHED_AT IS NULL AND CREATED_AT <= ?";
		this.claimLocked = "SELECT ID, TAGS, CREATED_AT" + due
				+ " AND (CLAIMED_UNTIL IS NULL OR CLAIMED_UNTIL < ?) ORDER BY CREATED_AT LIMIT ? FOR UPDATE SKIP LOCKED";
		this.candidates = "SELECT ID, TAGS, CREATED_AT" + due
				+ " AND (CLAIMED_UNTIL IS NULL OR CLAIMED_UNTIL < ?) ORDER BY CREATED_AT";
		this.lease = "UPDATE " + name + " SET CLAIMED_UNTIL = ? WHERE ID = ? AND PUBLISHED_AT IS NULL"
				+ " AND (CLAIMED_UNTIL IS NULL OR CLAIMED_UNTIL < ?)";
		this.backlog = "SELECT COUNT(*), MIN(CREATED_AT) FROM " + name + " WHERE PUBLISHED_AT IS NULL";
	}

	String name() {
		return this.name;
	}

	/** Write a row, on the connection of the transaction bound to this thread, if any. */
	void insert(String id, List<String> tags, long createdAt) {
		this.jdbc.update(this.insert, id, encode(tags), createdAt);
	}

	/**
	 * Rows due and not leased, locked for this transaction; rows other transactions hold
	 * are skipped.
	 */
	List<Row> claimLocked(long dueBefore, long now, int limit) {
		return this.jdbc.query(this.claimLocked, ROW, dueBefore, now, limit);
	}

	/** Rows due and not leased, for {@link #lease}. */
	List<Row> candidates(long dueBefore, long now, int limit) {
		// Without LIMIT, which not every database has: the driver stops at the limit
		return this.jdbc.query((connection) -> {
			PreparedStatement statement = connection.prepareStatement(this.candidates);
			statement.setMaxRows(limit);
			statement.setLong(1, dueBefore);
			statement.setLong(2, now);
			return statement;
		}, ROW);
	}

	/**
	 * Lease a row: an atomic conditional update, which only one relay wins.
	 * @return whether this relay holds the row until {@code until}
	 */
	boolean lease(String id, long until, long now) {
		return this.jdbc.update(this.lease, until, id, now) == 1;
	}

	/** Mark rows published, and let go of their leases. */
	void markPublished(List<String> ids, long now) {
		if (!ids.isEmpty()) {
			this.jdbc.update("UPDATE " + this.name + " SET PUBLISHED_AT = ?, CLAIMED_UNTIL = NULL WHERE ID IN ("
					+ placeholders(ids.size()) + ")", arguments(now, ids));
		}
	}

	/** Give up leases of rows that could not be published. */
	void releaseLeases(List<String> ids) {
		if (!ids.isEmpty()) {
			this.jdbc.update(
					"UPDATE " + this.name + " SET CLAIMED_UNTIL = NULL WHERE ID IN (" + placeholders(ids.size()) + ")",
					ids.toArray());
		}
	}

	/** Rows not published yet, and the creation time of the oldest. */
	Backlog backlog() {
		Backlog backlog = this.jdbc.queryForObject(this.backlog, (resultSet, rowNumber) -> {
			long oldest = resultSet.getLong(2);
			return new Backlog(resultSet.getLong(1), resultSet.wasNull() ? -1 : oldest);
		});
		return (backlog != null) ? backlog : new Backlog(0, -1);
	}

	/**
	 * Delete rows published before a time, and rows so old that nothing they invalidate
	 * can still be cached.
	 * @return the number of rows deleted
	 */
	int deleteOld(long publishedBefore, long createdBefore) {
		// Two statements, each a range of the (PUBLISHED_AT, CREATED_AT) index
		return this.jdbc.update("DELETE FROM " + this.name + " WHERE PUBLISHED_AT < ?", publishedBefore) + this.jdbc
			.update("DELETE FROM " + this.name + " WHERE PUBLISHED_AT IS NULL AND CREATED_AT < ?", createdBefore);
	}

	/**
	 * How rows can be claimed on this database: {@code SKIP LOCKED} where it exists
	 * (PostgreSQL 9.5, MySQL 8, MariaDB 10.6, H2 2, Oracle), a lease otherwise.
	 */
	static Claim claimFor(DatabaseMetaData metaData) throws SQLException {
		String product = metaData.getDatabaseProductName().toLowerCase(Locale.ROOT);
		int major = metaData.getDatabaseMajorVersion();
		int minor = metaData.getDatabaseMinorVersion();
		boolean skipLocked;
		if (product.contains("postgresql")) {
			skipLocked = major > 9 || (major == 9 && minor >= 5);
		}
		else if (product.contains("mariadb") || metaData.getDatabaseProductVersion().contains("MariaDB")) {
			// MySQL's driver reports MariaDB as "5.5.5-10.6.16-MariaDB", version 5.5
			Matcher version = MARIADB_VERSION.matcher(metaData.getDatabaseProductVersion());
			if (version.find()) {
				major = Integer.parseInt(version.group(1));
				minor = Integer.parseInt(version.group(2));
			}
			skipLocked = major > 10 || (major == 10 && minor >= 6);
		}
		else if (product.contains("mysql")) {
			skipLocked = major >= 8;
		}
		else if (product.equals("h2")) {
			skipLocked = major >= 2;
		}
		else {
			skipLocked = false;
		}
		return skipLocked ? Claim.SKIP_LOCKED : Claim.LEASE;
	}

	static String encode(List<String> tags) {
		return json.writeValueAsString(tags);
	}

	static List<String> decode(String tags) {
		return json.readValue(tags, TAG_LIST);
	}

	private static String placeholders(int count) {
		return String.join(", ", Collections.nCopies(count, "?"));
	}

	private static Object[] arguments(Object first, List<String> rest) {
		List<Object> arguments = new ArrayList<>(rest.size() + 1);
		arguments.add(first);
		arguments.addAll(rest);
		return arguments.toArray();
	}

	/** A row of the outbox. */
	record Row(String id, List<String> tags, long createdAt) {
	}

	/**
	 * Rows not published yet, and the creation time of the oldest ({@code -1} for none).
	 */
	record Backlog(long rows, long oldestCreatedAt) {
	}

}
