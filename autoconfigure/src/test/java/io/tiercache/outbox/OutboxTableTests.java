package io.tiercache.outbox;

import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;

import io.tiercache.outbox.OutboxTable.Claim;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link OutboxTable}'s decisions that need no database: how rows are claimed
 * on each database, how tags are stored, which table names are accepted. The statements
 * themselves run against real databases in {@link OutboxRelayIntegrationTests}.
 */
class OutboxTableTests {

	@ParameterizedTest(name = "{0} {1}.{2} ({3}): {4}")
	@CsvSource(delimiter = '|', textBlock = """
			PostgreSQL | 14 | 22 | 14.22                   | SKIP_LOCKED
			PostgreSQL | 9  | 5  | 9.5.25                  | SKIP_LOCKED
			PostgreSQL | 9  | 4  | 9.4.26                  | LEASE
			MySQL      | 8  | 0  | 8.0.36                  | SKIP_LOCKED
			MySQL      | 5  | 7  | 5.7.44                  | LEASE
			MariaDB    | 10 | 6  | 10.6.16-MariaDB         | SKIP_LOCKED
			MariaDB    | 10 | 5  | 10.5.23-MariaDB         | LEASE
			MySQL      | 5  | 5  | 5.5.5-10.5.23-MariaDB   | LEASE
			MySQL      | 5  | 5  | 5.5.5-11.2.2-MariaDB    | SKIP_LOCKED
			MySQL      | 5  | 5  | 5.5.5-10.6.16-MariaDB   | SKIP_LOCKED
			H2         | 2  | 4  | 2.4.240 (2025-09-22)    | SKIP_LOCKED
			H2         | 1  | 4  | 1.4.200 (2019-10-14)    | LEASE
			HSQL Database Engine | 2 | 7 | 2.7.2           | LEASE
			""")
	void claimsWithSkipLockedWhereTheDatabaseHasIt(String product, int major, int minor, String version, Claim claim)
			throws SQLException {
		assertThat(OutboxTable.claimFor(metaData(product, major, minor, version))).isEqualTo(claim);

	}

	@ParameterizedTest
	@ValueSource(strings = { "product:1", "a,b", "quote \" and backslash \\", "line\nbreak", "ünïcødé", "" })
	void tagsSurviveTheirColumnWhateverTheyContain(String tag) {
		List<String> tags = List.of(tag, "other");
		assertThat(OutboxTable.decode(OutboxTable.encode(tags))).isEqualTo(tags);
	}

	@ParameterizedTest
	@ValueSource(strings = { "TIERCACHE_OUTBOX", "outbox", "_outbox2" })
	void acceptsPlainIdentifiers(String name) {
		assertThat(new OutboxTable(new JdbcTemplate(), name).name()).isEqualTo(name);
	}

	@ParameterizedTest
	@ValueSource(strings = { "2OUTBOX", "OUT BOX", "OUTBOX;", "\"OUTBOX\"", "schema.OUTBOX", "" })
	void refusesAnythingElse(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> new OutboxTable(new JdbcTemplate(), name))
			.withMessageContaining("not a plain SQL identifier");
	}

	/** What a driver says of its database; nothing else of it is asked. */
	private static DatabaseMetaData metaData(String product, int major, int minor, String version) {
		return (DatabaseMetaData) Proxy.newProxyInstance(OutboxTableTests.class.getClassLoader(),
				new Class<?>[] { DatabaseMetaData.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getDatabaseProductName" -> product;
					case "getDatabaseMajorVersion" -> major;
					case "getDatabaseMinorVersion" -> minor;
					case "getDatabaseProductVersion" -> version;
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

}
