package io.tiercache.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

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
	 * Starts a server without persistence.
	 * @param port the port, or 0 for a free one: a free port can be taken by another
	 * process before the server binds it, so a failed start is then retried on a new port
	 * @return the running server
	 * @throws IllegalStateException if the server does not start, naming the port
	 */
	static EmbeddedRedisServer start(int port) {
		EmbeddedRedisException failure = null;
		for (int attempt = 0; attempt < ((port > 0) ? 1 : ATTEMPTS); attempt++) {
			int chosen = (port > 0) ? port : freePort();
			RedisServer server = RedisServer.builder()
				.port(chosen)
				.bind(HOST)
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			try {
				server.start();
				return new EmbeddedRedisServer(server, chosen);
			}
			catch (EmbeddedRedisException ex) {
				failure = ex;
			}
		}
		throw new IllegalStateException(
				"Could not start redis-server on " + HOST + ":"
						+ ((port > 0) ? port + ", which something other than Redis may be using: set "
								+ EmbeddedRedisEnvironmentPostProcessor.PORT_PROPERTY + " to another port (0 for any)"
								: "a free port"),
				failure);
	}

	/**
	 * Whether a Redis answers {@code PING} on a port of the loopback interface.
	 * @param port the port
	 * @return {@code true} if it answered {@code +PONG}, {@code false} if nothing listens
	 * there or what listens is not a Redis that lets us in
	 */
	static boolean answersPing(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			byte[] reply = socket.getInputStream().readNBytes(7);
			return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
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
