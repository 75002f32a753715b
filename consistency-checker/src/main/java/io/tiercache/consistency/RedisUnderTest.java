package io.tiercache.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.tiercache.test.EmbeddedRedis;
import org.jspecify.annotations.Nullable;

/**
 * The one Redis every instance shares, owned by the checker so that it can kill
 * connections, restart, pause, flush and starve the server. Admin commands go through a
 * Lettuce connection of the checker's own, which {@code CLIENT KILL} spares
 * ({@code SKIPME} defaults to yes).
 * <p>
 * Uses {@code REDIS_URL} if set (the server is flushed, and a restart is emulated by what
 * a restart without persistence does to clients: data and scripts gone, every connection
 * dropped); otherwise an embedded {@code redis-server}.
 */
final class RedisUnderTest implements AutoCloseable {

	private static final String JUNK_PREFIX = "consistency-checker:junk:";

	private final @Nullable EmbeddedRedis embedded;

	private final @Nullable String url;

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final RedisCommands<String, String> commands;

	private RedisUnderTest(@Nullable EmbeddedRedis embedded, @Nullable String url, RedisURI uri) {
		this.embedded = embedded;
		this.url = url;
		uri.setTimeout(Duration.ofSeconds(5));
		this.client = RedisClient.create(uri);
		this.connection = this.client.connect();
		this.commands = this.connection.sync();
	}

	/**
	 * Connect to {@code REDIS_URL}, flushing it, or start an embedded server.
	 * @return the server
	 */
	static RedisUnderTest start() {
		String url = System.getenv("REDIS_URL");
		if (url != null && !url.isBlank()) {
			RedisUnderTest redis = new RedisUnderTest(null, url, RedisURI.create(url));
			redis.flushAll();
			return redis;
		}
		EmbeddedRedis embedded = EmbeddedRedis.start();
		try {
			return new RedisUnderTest(embedded, null, RedisURI.create(embedded.host(), embedded.port()));
		}
		catch (RuntimeException ex) {
			embedded.close();
			throw ex;
		}
	}

	/** Spring properties that point an instance at this server. */
	Map<String, Object> springProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		if (this.embedded != null) {
			properties.put("spring.data.redis.host", this.embedded.host());
			properties.put("spring.data.redis.port", this.embedded.port());
		}
		else {
			properties.put("spring.data.redis.url", this.url);
		}
		return properties;
	}

	boolean isEmbedded() {
		return this.embedded != null;
	}

	/** {@code CLIENT KILL TYPE pubsub}: every subscription drops. */
	long killPubSubClients() {
		return this.commands.clientKill(KillArgs.Builder.typePubsub());
	}

	/**
	 * {@code CLIENT KILL TYPE normal}: every command connection but the checker's drops.
	 */
	long killNormalClients() {
		return this.commands.clientKill(KillArgs.Builder.typeNormal());
	}

	/**
	 * Restart without persistence: every key, script and connection is lost, and the next
	 * sequence hash starts a new epoch.
	 */
	void restart() {
		if (this.embedded != null) {
			this.embedded.stop();
			this.embedded.startAgain();
		}
		else {
			flushAll();
			this.commands.scriptFlush();
			killNormalClients();
			killPubSubClients();
		}
	}

	/** {@code CLIENT PAUSE millis ALL}: every client's commands wait. */
	void pause(Duration duration) {
		this.commands.dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(duration.toMillis()).add("ALL"));
	}

	/**
	 * {@code DEBUG SLEEP}: the whole server stops for the duration. Servers without
	 * {@code enable-debug-command} refuse it.
	 * @throws io.lettuce.core.RedisCommandExecutionException if refused
	 */
	void debugSleep(Duration duration) {
		this.commands.dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add(duration.toMillis() / 1000.0));
	}

	void flushAll() {
		this.commands.flushall();
	}

	/**
	 * Lower {@code maxmemory} to a little above what is in use, with {@code allkeys-lru},
	 * and write junk for a while so that Redis evicts whatever it likes (entries, tag
	 * records, the sequence hash); then restore the settings and remove the junk.
	 * @param hold how long to keep writing junk
	 * @return number of keys Redis evicted meanwhile
	 */
	long squeezeMemory(Duration hold) {
		Map<String, String> saved = this.commands.configGet("maxmemory", "maxmemory-policy");
		long evictedBefore = infoField("stats", "evicted_keys");
		long used = infoField("memory", "used_memory");
		Map<String, String> squeezed = new LinkedHashMap<>();
		squeezed.put("maxmemory", Long.toString(used + 2 * 1024 * 1024));
		squeezed.put("maxmemory-policy", "allkeys-lru");
		this.commands.configSet(squeezed);
		try {
			writeJunk(hold);
		}
		finally {
			this.commands.configSet(saved);
			removeJunk();
		}
		return infoField("stats", "evicted_keys") - evictedBefore;
	}

	private void writeJunk(Duration hold) {
		String junk = "x".repeat(8192);
		long deadline = System.nanoTime() + hold.toNanos();
		long n = 0;
		while (System.nanoTime() < deadline) {
			for (int i = 0; i < 32; i++) {
				try {
					this.commands.set(JUNK_PREFIX + n++, junk);
				}
				catch (RuntimeException ex) {
					// OOM while eviction catches up: that is the point.
				}
			}
			Pause.sleep(Duration.ofMillis(5));
		}
	}

	private void removeJunk() {
		List<String> keys = new ArrayList<>();
		ScanIterator.scan(this.commands, ScanArgs.Builder.matches(JUNK_PREFIX + "*").limit(1000))
			.forEachRemaining(keys::add);
		for (int i = 0; i < keys.size(); i += 1000) {
			this.commands.unlink(keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(String[]::new));
		}
	}

	/**
	 * A numeric field of {@code INFO section}, or -1 if the server does not report it.
	 */
	long infoField(String section, String field) {
		for (String line : this.commands.info(section).split("\r?\n")) {
			if (line.startsWith(field + ":")) {
				return Long.parseLong(line.substring(field.length() + 1).trim());
			}
		}
		return -1;
	}

	@Override
	public void close() {
		try {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		finally {
			if (this.embedded != null) {
				this.embedded.close();
			}
		}
	}

}
