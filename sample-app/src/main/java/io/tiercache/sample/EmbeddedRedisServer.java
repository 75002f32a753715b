package io.tiercache.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import redis.embedded.RedisServer;
import redis.embedded.exceptions.EmbeddedRedisException;

import org.springframework.beans.factory.DisposableBean;

/**
 * A redis-server process on a free port of the loopback interface, started by
 * {@link EmbeddedRedisEnvironmentPostProcessor} and stopped with the application context.
 */
public final class EmbeddedRedisServer implements DisposableBean {

	static final String HOST = "127.0.0.1";

	private static final int ATTEMPTS = 3;

	private final RedisServer server;

	private final int port;

	private EmbeddedRedisServer(RedisServer server, int port) {
		this.server = server;
		this.port = port;
	}

	/**
	 * Starts a server without persistence on a free port. A free port can be taken by
	 * another process before the server binds it, so a failed start is retried on a new
	 * port.
	 * @return the running server
	 */
	static EmbeddedRedisServer start() {
		EmbeddedRedisException failure = null;
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			int port = freePort();
			RedisServer server = RedisServer.builder()
				.port(port)
				.bind(HOST)
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			try {
				server.start();
				return new EmbeddedRedisServer(server, port);
			}
			catch (EmbeddedRedisException ex) {
				failure = ex;
			}
		}
		throw failure;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("No free port for redis-server", ex);
		}
	}

	public String host() {
		return HOST;
	}

	public int port() {
		return this.port;
	}

	public boolean isActive() {
		return this.server.isActive();
	}

	@Override
	public void destroy() {
		if (this.server.isActive()) {
			this.server.stop();
		}
	}

}
