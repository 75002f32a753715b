package io.tiercache.redis;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the server's version from {@code INFO server} once Redis answers, and warns, once
 * per version met, if the {@link LuaAdvisories Lua-engine advisories} say it is affected:
 * tiercache runs Lua scripts there. Never fails: a server that cannot be asked is asked
 * again the next time.
 *
 * @since 0.1.0
 */
public final class ServerVersionCheck {

	private static final Logger logger = LoggerFactory.getLogger(ServerVersionCheck.class);

	private static final Pattern REDIS_VERSION = Pattern.compile("^redis_version:(\\S+)", Pattern.MULTILINE);

	// Valkey reports the Redis version it forked from (7.2.4) whatever its own fixes.
	private static final Pattern VALKEY_VERSION = Pattern.compile("^valkey_version:(\\S+)", Pattern.MULTILINE);

	private final Supplier<String> serverInfo;

	private volatile @Nullable Result result;

	/**
	 * Create a check of the server a tier talks to.
	 * @param redis the tier
	 */
	public ServerVersionCheck(RedisTier redis) {
		this(redis::serverInfo);
	}

	ServerVersionCheck(Supplier<String> serverInfo) {
		this.serverInfo = serverInfo;
	}

	/**
	 * Read the server's version, and warn if it is affected and was not met before. Costs
	 * one {@code INFO server}, bounded by the command timeout; call it once Redis has
	 * answered, not on a caller's thread.
	 */
	public void run() {
		String info;
		try {
			info = this.serverInfo.get();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the Redis server's version", ex);
			return;
		}
		Result found = evaluate(info);
		Result previous = this.result;
		this.result = found;
		if (previous != null && previous.version().equals(found.version())) {
			return;
		}
		if (!found.advisories().isEmpty()) {
			logger.warn(warning(found));
		}
	}

	/** The version of the server, as it reports it, or {@code null} before any answer. */
	public @Nullable String version() {
		Result result = this.result;
		return (result != null) ? result.version() : null;
	}

	/**
	 * The advisories affecting the server, as far as its version says.
	 * @return their CVE ids, newest first; empty before any answer
	 */
	public List<String> advisories() {
		Result result = this.result;
		return (result != null) ? result.advisories().stream().map(LuaAdvisories.Advisory::cve).toList() : List.of();
	}

	/**
	 * What a server's {@code INFO server} says of its version and its advisories.
	 * @param info the text of {@code INFO server}
	 * @return the version (prefixed with {@code valkey} for Valkey, which the advisories
	 * do not cover) and the advisories affecting it
	 */
	static Result evaluate(String info) {
		Matcher valkey = VALKEY_VERSION.matcher(info);
		if (valkey.find()) {
			return new Result("valkey " + valkey.group(1), List.of());
		}
		Matcher matcher = REDIS_VERSION.matcher(info);
		if (!matcher.find()) {
			return new Result("unknown", List.of());
		}
		String text = matcher.group(1);
		RedisVersion version = RedisVersion.parse(text);
		return new Result(text, (version != null) ? LuaAdvisories.affecting(version) : List.of());
	}

	static String warning(Result result) {
		String advisories = result.advisories()
			.stream()
			.map((advisory) -> advisory.cve() + " (" + advisory.summary() + "; fixed in " + advisory.fixes() + ")")
			.collect(Collectors.joining(", "));
		return "Redis " + result.version() + " has known vulnerabilities in its Lua engine, where tiercache runs its "
				+ "scripts: " + advisories + ". Upgrade Redis, and until then let no other user run scripts on it "
				+ "(docs/SECURITY.md)";
	}

	/**
	 * A server's version and the advisories affecting it.
	 *
	 * @param version the version as reported
	 * @param advisories the advisories affecting it
	 */
	record Result(String version, List<LuaAdvisories.Advisory> advisories) {

		Result {
			Objects.requireNonNull(version);
			advisories = List.copyOf(advisories);
		}

	}

}
