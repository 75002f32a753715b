package io.tiercache.test;

import java.time.Duration;
import java.util.List;

/**
 * Control over the real Redis server a test runs against, so a test can provoke the
 * failures a cache must survive: a restart that loses all data, a server that stops
 * answering, dropped connections.
 * <p>
 * Obtained from {@link RedisServerExtension}, either as the extension itself or as a
 * parameter of a test or lifecycle method. The server is either an embedded
 * {@code redis-server} (the default) or an external one named by the {@code REDIS_URL}
 * environment variable; only {@link #stop()} and {@link #start()} need the embedded one.
 */
public interface RedisServerHandle {

	/**
	 * Return the host the server listens on.
	 * @return the host
	 */
	String host();

	/**
	 * Return the port the server listens on; it stays the same across restarts.
	 * @return the port
	 */
	int port();

	/**
	 * Return the server's address as a Redis URI, including credentials and database if
	 * {@code REDIS_URL} had them.
	 * @return for example {@code redis://127.0.0.1:6379}
	 */
	String uri();

	/**
	 * Return properties that point Spring Boot's Redis support at this server, for
	 * {@code ApplicationContextRunner.withPropertyValues(...)} or
	 * {@code SpringApplicationBuilder.properties(...)}.
	 * @return {@code spring.data.redis.*} properties in {@code name=value} form
	 */
	String[] springProperties();

	/**
	 * Return the seed nodes of a Redis Cluster, for {@code RedisClusterConfiguration};
	 * empty for one server.
	 * @return {@code host:port} of every node, or an empty list
	 */
	default List<String> clusterNodes() {
		return List.of();
	}

	/**
	 * Return whether the server is up: the embedded process is alive, or the external
	 * server accepts connections.
	 * @return {@code true} if the server is running
	 */
	boolean isRunning();

	/**
	 * Stop the embedded server; clients then get "connection refused".
	 * @throws IllegalStateException if the server is external
	 */
	void stop();

	/**
	 * Start the embedded server again on the same port, with no data, and wait until it
	 * answers {@code PING}. Does nothing if it is running.
	 * @throws IllegalStateException if the server is external or does not come back
	 */
	void start();

	/**
	 * Restart the server: all data, scripts and client connections are lost. An external
	 * server is not restarted but emulates it with {@code FLUSHALL}, {@code SCRIPT FLUSH}
	 * and {@code CLIENT KILL} of normal and pub/sub clients.
	 */
	void restart();

	/**
	 * Make the server stop answering every client for the given time
	 * ({@code CLIENT PAUSE <ms> ALL}). Returns once the pause is in effect.
	 * @param duration how long the server stays silent
	 */
	void pause(Duration duration);

	/**
	 * Freeze the whole server for the given time ({@code DEBUG SLEEP}): unlike
	 * {@link #pause(Duration)}, expirations and pub/sub delivery stop too. Returns once
	 * the command is sent, without waiting for the sleep to end.
	 * @param duration how long the server sleeps
	 */
	void debugSleep(Duration duration);

	/**
	 * Delete every key in every database.
	 */
	void flushAll();

	/**
	 * Close every client connection of the given type ({@code CLIENT KILL TYPE <type>}).
	 * @param type {@code normal}, {@code pubsub}, {@code replica} or {@code master}
	 * @return the number of connections closed
	 */
	long killClients(String type);

	/**
	 * Run a command on a short-lived RESP2 connection and return its reply, decoded as
	 * UTF-8: a {@code String} for status and bulk replies, a {@code Long} for integers, a
	 * {@code List} for arrays (so {@code HGETALL} gives field, value, ...) and
	 * {@code null} for a null reply. Not for commands that block the connection, such as
	 * {@code SUBSCRIBE}.
	 * @param args the command name and its arguments, for example {@code "GET", "key"}
	 * @return the reply
	 * @throws io.lettuce.core.RedisCommandExecutionException if Redis answers an error
	 */
	Object command(String... args);

	/**
	 * Run a command, as {@link #command}, on the node that serves a key: on a cluster the
	 * key's master, otherwise the server itself. For commands without a key whose answer
	 * depends on the node, such as {@code INFO commandstats}.
	 * @param key the key that decides the node
	 * @param args the command and its arguments
	 * @return the reply
	 */
	default Object commandOnNodeOf(String key, String... args) {
		return command(args);
	}

}
