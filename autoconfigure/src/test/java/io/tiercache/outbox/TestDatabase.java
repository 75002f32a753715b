package io.tiercache.outbox;

import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * A real database for the outbox's tests: H2 in memory, or the PostgreSQL server of a
 * {@link PostgresServerExtension}. Every {@link #dataSource()} is a pool of its own to
 * the same database, as each instance of an application has.
 */
public enum TestDatabase {

	/** H2 2.x in memory, shared by name within the JVM. */
	H2("h2"),

	/** A real PostgreSQL server. */
	POSTGRESQL("postgresql");

	private final String platform;

	private volatile String url;

	private volatile PostgresServerExtension postgres;

	TestDatabase(String platform) {
		this.platform = platform;
	}

	/**
	 * Point the databases at a fresh H2 database and at the given PostgreSQL server, and
	 * drop what earlier tests left there.
	 * @param postgres the PostgreSQL server
	 */
	public static void reset(PostgresServerExtension postgres) {
		H2.url = "jdbc:h2:mem:outbox-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		POSTGRESQL.postgres = postgres;
		POSTGRESQL.url = postgres.jdbcUrl();
		postgres.execute("DROP TABLE IF EXISTS TIERCACHE_OUTBOX", "DROP TABLE IF EXISTS OTHER_OUTBOX",
				"DROP TABLE IF EXISTS PRODUCT");
	}

	/** The platform of its schema script. */
	public String platform() {
		return this.platform;
	}

	/** A new pool to the database; close it after use. */
	public HikariDataSource dataSource() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(this.url);
		dataSource.setUsername((this == POSTGRESQL) ? "postgres" : "sa");
		dataSource.setPassword((this == POSTGRESQL) ? "postgres" : "");
		dataSource.setMaximumPoolSize(4);
		return dataSource;
	}

	/** Properties that point Spring Boot's DataSource at the database. */
	public String[] springProperties() {
		return (this == POSTGRESQL) ? this.postgres.springProperties() : new String[] {
				"spring.datasource.url=" + this.url, "spring.datasource.username=sa", "spring.datasource.password=" };
	}

	/** Create the outbox table with the script tiercache ships for the platform. */
	public void createOutbox(DataSource dataSource) {
		new ResourceDatabasePopulator(new ClassPathResource("io/tiercache/outbox/schema-" + this.platform + ".sql"))
			.execute(dataSource);
	}

	/** Create the table of the tests' business data. */
	public void createProducts(DataSource dataSource) {
		new JdbcTemplate(dataSource)
			.execute("CREATE TABLE IF NOT EXISTS PRODUCT (ID BIGINT PRIMARY KEY, PRICE BIGINT NOT NULL)");
	}

}
