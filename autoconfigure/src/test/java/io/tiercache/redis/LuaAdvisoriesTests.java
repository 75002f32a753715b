package io.tiercache.redis;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which server versions the Lua-engine advisories flag, as pure logic: older than the fix
 * of their own release line, or of a line that got no fix although a newer one did.
 */
class LuaAdvisoriesTests {

	private static final String ALL_2025 = "CVE-2025-49844 CVE-2025-46817 CVE-2025-46818 CVE-2025-46819";

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource(delimiter = '|', textBlock = """
			4.0.14  | ALL_2025 CVE-2024-46981 CVE-2024-31449 CVE-2022-24834 CVE-2021-32626
			5.0.13  | ALL_2025 CVE-2024-46981 CVE-2024-31449 CVE-2022-24834 CVE-2021-32626
			5.0.14  | ALL_2025 CVE-2024-46981 CVE-2024-31449 CVE-2022-24834
			6.0.15  | ALL_2025 CVE-2024-46981 CVE-2024-31449 CVE-2022-24834 CVE-2021-32626
			6.0.16  | ALL_2025 CVE-2024-46981 CVE-2024-31449 CVE-2022-24834
			6.0.20  | ALL_2025 CVE-2024-46981 CVE-2024-31449
			6.2.5   | ALL_2025 CVE-2024-46981 CVE-2024-31449 CVE-2022-24834 CVE-2021-32626
			6.2.6   | ALL_2025 CVE-2024-46981 CVE-2024-31449 CVE-2022-24834
			6.2.13  | ALL_2025 CVE-2024-46981 CVE-2024-31449
			6.2.16  | ALL_2025 CVE-2024-46981
			6.2.17  | ALL_2025
			6.2.20  |
			7.0.0   | ALL_2025 CVE-2024-46981 CVE-2024-31449 CVE-2022-24834
			7.0.11  | ALL_2025 CVE-2024-46981 CVE-2024-31449 CVE-2022-24834
			7.0.15  | ALL_2025 CVE-2024-46981 CVE-2024-31449
			7.2.5   | ALL_2025 CVE-2024-46981 CVE-2024-31449
			7.2.6   | ALL_2025 CVE-2024-46981
			7.2.7   | ALL_2025
			7.2.11  |
			7.4.0   | ALL_2025 CVE-2024-46981 CVE-2024-31449
			7.4.1   | ALL_2025 CVE-2024-46981
			7.4.6   |
			8.0.3   | ALL_2025
			8.0.4   |
			8.2.1   | ALL_2025
			8.2.2   |
			8.4.0   |
			255.255.255 |
			""")
	void flagsAVersionForExactlyTheAdvisoriesItsReleaseLineHasNoFixFor(String version, String expected) {
		List<String> cves = (expected == null) ? List.of()
				: Arrays.asList(expected.replace("ALL_2025", ALL_2025).trim().split("\\s+"));
		assertThat(LuaAdvisories.affecting(RedisVersion.parse(version))).extracting(LuaAdvisories.Advisory::cve)
			.containsExactlyElementsOf(cves);
	}

	@Test
	void theEmbeddedTestServersVersionIsNotFlaggedForTheCvesIts70LineFixed() {
		List<String> cves = LuaAdvisories.affecting(RedisVersion.parse("7.0.15"))
			.stream()
			.map(LuaAdvisories.Advisory::cve)
			.toList();
		assertThat(cves).doesNotContain("CVE-2021-32626", "CVE-2022-24834");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			7.0.15      | 7.0.15
			7.2         | 7.2.0
			8           | 8.0.0
			7.2.4-rc1   | 7.2.4
			7.1.242     | 7.1.242
			255.255.255 | 255.255.255
			""")
	void parsesTheVersionsRedisReports(String text, String parsed) {
		assertThat(RedisVersion.parse(text)).hasToString(parsed);
	}

	@Test
	void refusesWhatIsNoVersion() {
		for (String text : List.of("", "unknown", ".7", "v7.0.15", "9999999999.0.0")) {
			assertThat(RedisVersion.parse(text)).as(text).isNull();
		}
	}

	@Test
	void ordersVersionsNumerically() {
		assertThat(RedisVersion.parse("7.0.15")).isGreaterThan(RedisVersion.parse("7.0.9"))
			.isLessThan(RedisVersion.parse("7.2.0"))
			.isLessThan(RedisVersion.parse("10.0.0"));
	}

	@Test
	void readsTheVersionFromInfoServerAndLeavesValkeyUnflagged() {
		String redis = "# Server\r\nredis_version:6.2.5\r\nredis_git_sha1:00000000\r\nrun_id:abc\r\n";
		ServerVersionCheck.Result result = ServerVersionCheck.evaluate(redis);
		assertThat(result.version()).isEqualTo("6.2.5");
		assertThat(result.advisories()).extracting(LuaAdvisories.Advisory::cve).contains("CVE-2021-32626");
		assertThat(ServerVersionCheck.warning(result)).startsWith("Redis 6.2.5 has known vulnerabilities")
			.contains("CVE-2021-32626 (Lua scripts can overflow the heap; fixed in 5.0.14, 6.0.16, 6.2.6)")
			.contains("CVE-2025-49844 (use-after-free in the Lua parser, remote code execution; fixed in 6.2.20, "
					+ "7.2.11, 7.4.6, 8.0.4, 8.2.2)");
		// Valkey reports the Redis version it forked from, whatever it fixed since.
		String valkey = "# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.1.4\r\n";
		assertThat(ServerVersionCheck.evaluate(valkey))
			.isEqualTo(new ServerVersionCheck.Result("valkey 8.1.4", List.of()));
		assertThat(ServerVersionCheck.evaluate("# Server\r\n").version()).isEqualTo("unknown");
		assertThat(ServerVersionCheck.evaluate("redis_version:garbage\r\n").advisories()).isEmpty();
	}

}
