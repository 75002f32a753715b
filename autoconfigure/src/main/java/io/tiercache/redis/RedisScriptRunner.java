package io.tiercache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Runs tiercache's Lua scripts on the application's {@link RedisConnectionFactory},
 * bounded by tiercache's own command timeout and guarded by a {@link CircuitBreaker}.
 * <p>
 * Lettuce only (the subscriber relies on its connection events too): commands go through
 * the shared native connection's asynchronous API and are abandoned after
 * {@code commandTimeout}, whatever {@code spring.data.redis.timeout} says (Lettuce's
 * default is a minute). Any other client fails every call with an
 * {@link IllegalStateException} as the cause. Scripts are sent by digest and reloaded on
 * {@code NOSCRIPT}, as after a Redis restart.
 *
 * @since 0.1.0
 */
public final class RedisScriptRunner {

	/** A Lua script loaded from the classpath, with its SHA-1 digest. */
	public record Script(String name, byte[] source, String sha) {

		/**
		 * Load a script, after the files whose functions it uses.
		 * @param name the script's file name, without {@code .lua}
		 * @param preludes files of functions to put before it, such as {@code common}
		 * @return the script
		 */
		public static Script load(String name, String... preludes) {
			java.io.ByteArrayOutputStream source = new java.io.ByteArrayOutputStream();
			for (String prelude : preludes) {
				source.writeBytes(read(prelude));
			}
			source.writeBytes(read(name));
			byte[] bytes = source.toByteArray();
			return new Script(name, bytes, sha1(bytes));
		}

		private static byte[] read(String name) {
			try (InputStream in = RedisScriptRunner.class.getResourceAsStream(name + ".lua")) {
				if (in == null) {
					throw new IllegalStateException("Missing script " + name + ".lua");
				}
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read script " + name, ex);
			}
		}

		private static String sha1(byte[] source) {
			try {
				byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(source);
				StringBuilder hex = new StringBuilder(40);
				for (byte b : digest) {
					hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
				}
				return hex.toString();
			}
			catch (java.security.NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	private final RedisConnectionFactory connectionFactory;

	private final long timeoutNanos;

	private final CircuitBreaker breaker;

	public RedisScriptRunner(RedisConnectionFactory connectionFactory, Duration commandTimeout,
			CircuitBreaker breaker) {
		this.connectionFactory = connectionFactory;
		this.timeoutNanos = commandTimeout.toNanos();
		this.breaker = breaker;
	}

	public CircuitBreaker breaker() {
		return this.breaker;
	}

	/**
	 * Run a script returning a multi-bulk reply.
	 * @param operation name of the tiercache operation, for errors and metrics
	 * @param script the script
	 * @param keys its keys
	 * @param args its arguments
	 * @return the reply: a list of {@code byte[]} and {@code Long}
	 * @throws RedisUnavailableException if Redis fails, times out, or the breaker is open
	 */
	public @Nullable Object run(String operation, Script script, byte[][] keys, byte[][] args) {
		return execute(operation, (connection) -> eval(connection, script, keys, args));
	}

	/**
	 * Unlink keys, best effort.
	 * @param keys the keys
	 */
	public void unlink(byte[]... keys) {
		execute("unlink", (connection) -> await(asyncCommands(connection).unlink(keys)));
	}

	private @Nullable Object execute(String operation, Command command) {
		if (!this.breaker.tryAcquirePermission()) {
			throw new RedisUnavailableException(operation, "Redis circuit breaker is open");
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Object result = command.run(connection);
			this.breaker.recordSuccess();
			return result;
		}
		catch (RedisUnavailableException ex) {
			this.breaker.recordFailure();
			throw new RedisUnavailableException(operation, ex.getMessage(), ex.getCause());
		}
		catch (RuntimeException ex) {
			this.breaker.recordFailure();
			throw new RedisUnavailableException(operation, "Redis " + operation + " failed: " + ex, ex);
		}
	}

	private @Nullable Object eval(RedisConnection connection, Script script, byte[][] keys, byte[][] args) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = asyncCommands(connection);
		try {
			return await(commands.evalsha(script.sha(), ScriptOutputType.MULTI, keys, args));
		}
		catch (NoScriptException ex) {
			return await(commands.eval(script.source(), ScriptOutputType.MULTI, keys, args));
		}
	}

	/**
	 * The asynchronous Lettuce API of a connection: the only way to bound a command by
	 * tiercache's timeout rather than the client's.
	 * @param connection the connection
	 * @return its native commands
	 * @throws IllegalStateException if the connection is not Lettuce's
	 */
	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> asyncCommands(RedisConnection connection) {
		Object nativeConnection = connection.getNativeConnection();
		if (nativeConnection instanceof RedisClusterAsyncCommands<?, ?>) {
			return (RedisClusterAsyncCommands<byte[], byte[]>) nativeConnection;
		}
		throw new IllegalStateException("tiercache needs Lettuce (spring.data.redis.client-type=lettuce, the default "
				+ "of spring-boot-starter-data-redis), not " + connection.getClass().getName());
	}

	private <T> T await(Future<T> future) {
		try {
			return future.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new RedisUnavailableException("", "Redis did not answer within "
					+ Duration.ofNanos(this.timeoutNanos).toMillis() + "ms (tiercache.redis.command-timeout)", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new RedisUnavailableException("", "Interrupted while waiting for Redis", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RedisNoScriptException) {
				throw new NoScriptException();
			}
			throw new RedisUnavailableException("", "Redis failed: " + ex.getCause(), ex.getCause());
		}
	}

	@FunctionalInterface
	private interface Command {

		@Nullable Object run(RedisConnection connection);

	}

	/** The script cache lost our script (restart, SCRIPT FLUSH): send it in full. */
	private static final class NoScriptException extends RuntimeException {

		NoScriptException() {
			super(null, null, false, false);
		}

	}

}
