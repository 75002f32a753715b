package io.tiercache.redis;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The published vulnerabilities of Redis's Lua engine that tiercache, which runs Lua
 * scripts, warns about, with the releases that fixed them (from the Redis release notes
 * and advisories, as {@code docs/SECURITY.md} lists them).
 *
 * @since 0.1.0
 */
public final class LuaAdvisories {

	private static final List<RedisVersion> FIXED_2025 = versions("6.2.20", "7.2.11", "7.4.6", "8.0.4", "8.2.2");

	/** Every advisory, newest first. */
	public static final List<Advisory> ALL = List.of(
			new Advisory("CVE-2025-49844", "use-after-free in the Lua parser, remote code execution", FIXED_2025),
			new Advisory("CVE-2025-46817", "integer overflow from a Lua script, potential remote code execution",
					FIXED_2025),
			new Advisory("CVE-2025-46818", "a Lua script can run in another user's context", FIXED_2025),
			new Advisory("CVE-2025-46819", "out-of-bounds read in Lua", FIXED_2025),
			new Advisory("CVE-2024-46981", "Lua garbage collector use-after-free, potential remote code execution",
					versions("6.2.17", "7.2.7", "7.4.2")),
			new Advisory("CVE-2024-31449", "stack overflow in Lua's bit library, potential remote code execution",
					versions("6.2.16", "7.2.6", "7.4.1")),
			new Advisory("CVE-2022-24834", "heap overflow in cjson and cmsgpack from a Lua script",
					versions("6.0.20", "6.2.13", "7.0.12")),
			new Advisory("CVE-2021-32626", "Lua scripts can overflow the heap", versions("5.0.14", "6.0.16", "6.2.6")));

	private LuaAdvisories() {
	}

	/**
	 * The advisories that affect a server version.
	 * @param version the version
	 * @return them, newest first
	 */
	public static List<Advisory> affecting(RedisVersion version) {
		return ALL.stream().filter((advisory) -> advisory.affects(version)).toList();
	}

	private static List<RedisVersion> versions(String... versions) {
		return java.util.Arrays.stream(versions).map(RedisVersion::parse).toList();
	}

	/**
	 * A vulnerability, and the first fixed release of each release line that got the fix.
	 *
	 * @param cve its CVE id
	 * @param summary what it is
	 * @param fixedIn the first fixed release of each line that got the fix, oldest line
	 * first
	 */
	public record Advisory(String cve, String summary, List<RedisVersion> fixedIn) {

		/**
		 * Whether a server version is affected: it is older than the fix of its own
		 * release line, or its line got no fix although a newer line did (7.0 for the
		 * 2024 and 2025 fixes). A line newer than every fixed one was released with the
		 * fix.
		 * @param version the version
		 * @return whether it is affected
		 */
		public boolean affects(RedisVersion version) {
			for (RedisVersion fixed : this.fixedIn) {
				if (fixed.sameLine(version)) {
					return version.compareTo(fixed) < 0;
				}
			}
			return version.compareTo(this.fixedIn.get(this.fixedIn.size() - 1)) < 0;
		}

		/** The fixed releases, as in {@code 6.2.20, 7.2.11}. */
		public String fixes() {
			return this.fixedIn.stream().map(RedisVersion::toString).collect(Collectors.joining(", "));
		}

	}

}
