package io.tiercache.test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;

/**
 * {@link RedisServerHandle} for an {@link EmbeddedRedis} or, when that is {@code null},
 * an external server. Commands go through a Lettuce client of its own, one short-lived
 * RESP2 connection each, so they never share state with the connections under test and
 * replies stay plain strings, numbers and lists.
 */
final class DefaultRedisServerHandle implements OwnedRedisServer {

	private static final String EXTERNAL_MESSAGE = "REDIS_URL points to an external server; "
			+ "this test needs the embedded one";

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private final String uri;

	private final RedisURI redisUri;

	private final EmbeddedRedis embedded;

	private final RedisClient client;

	private DefaultRedisServerHandle(String uri, EmbeddedRedis embedded) {
		this.uri = uri;
		this.redisUri = RedisURI.create(uri);
		this.redisUri.setTimeout(COMMAND_TIMEOUT);
		this.embedded = embedded;
		this.client = RedisClient.create(this.redisUri);
		this.client.setOptions(ClientOptions.builder()
			.autoReconnect(false)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.protocolVersion(ProtocolVersion.RESP2)
			.socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
			.build());
	}

	static DefaultRedisServerHandle embedded() {
		EmbeddedRedis redis = EmbeddedRedis.start();
		try {
			return new DefaultRedisServerHandle(redis.uri(), redis);
		}
		catch (RuntimeException ex) {
			redis.close();
			throw ex;
		}
	}

	/**
	 * Send commands to a server this class does not control, such as one of
	 * {@link RedisProcess}: neither checked nor flushed.
	 */
	static DefaultRedisServerHandle commandsOnly(String uri) {
		return new DefaultRedisServerHandle(uri, null);
	}

	/**
	 * Use the server at the given URI after checking it answers, and flush it so a test
	 * class starts from the same empty state as with an embedded server.
	 */
	static DefaultRedisServerHandle external(String uri) {
		// no password in messages that end up in build logs
		String redacted = uri.replaceFirst("//[^/@]*@", "//***@");
		DefaultRedisServerHandle handle;
		try {
			handle = new DefaultRedisServerHandle(uri, null);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("REDIS_URL is set to '" + redacted + "', which is not a Redis URI", ex);
		}
		try {
			handle.command("PING");
			handle.flushAll();
			return handle;
		}
		catch (RuntimeException ex) {
			handle.close();
			throw new IllegalStateException(
					"REDIS_URL is set to '" + redacted + "' but that server does not answer: " + ex.getMessage(), ex);
		}
	}

	@Override
	public String host() {
		return this.redisUri.getHost();
	}

	@Override
	public int port() {
		return this.redisUri.getPort();
	}

	@Override
	public String uri() {
		return this.uri;
	}

	@Override
	public String[] springProperties() {
		List<String> properties = new ArrayList<>();
		properties.add("spring.data.redis.host=" + host());
		properties.add("spring.data.redis.port=" + port());
		Credentials credentials = credentials();
		if (credentials.username() != null) {
			properties.add("spring.data.redis.username=" + credentials.username());
		}
		if (credentials.password() != null) {
			properties.add("spring.data.redis.password=" + credentials.password());
		}
		if (this.redisUri.getDatabase() != 0) {
			properties.add("spring.data.redis.database=" + this.redisUri.getDatabase());
		}
		if (this.redisUri.isSsl()) {
			properties.add("spring.data.redis.ssl.enabled=true");
		}
		return properties.toArray(new String[0]);
	}

	@Override
	public boolean isRunning() {
		if (this.embedded != null) {
			return this.embedded.isRunning();
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host(), port()), (int) CONNECT_TIMEOUT.toMillis());
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void stop() {
		embeddedRedis().stop();
	}

	@Override
	public void start() {
		embeddedRedis().startAgain();
	}

	@Override
	public void restart() {
		if (this.embedded != null) {
			this.embedded.stop();
			this.embedded.startAgain();
			return;
		}
		flushAll();
		command("SCRIPT", "FLUSH");
		killClients("normal");
		killClients("pubsub");
	}

	@Override
	public void pause(Duration duration) {
		command("CLIENT", "PAUSE", String.valueOf(positiveMillis(duration)), "ALL");
	}

	@Override
	public void debugSleep(Duration duration) {
		String seconds = BigDecimal.valueOf(positiveMillis(duration)).movePointLeft(3).toPlainString();
		// fails clearly here if DEBUG is disabled, unlike the fire-and-forget send below
		command("DEBUG", "SLEEP", "0");
		sendWithoutWaiting(List.of("DEBUG", "SLEEP", seconds), duration);
	}

	@Override
	public void flushAll() {
		command("FLUSHALL");
	}

	@Override
	public long killClients(String type) {
		return (Long) command("CLIENT", "KILL", "TYPE", type);
	}

	@Override
	public Object command(String... args) {
		if (args.length == 0) {
			throw new IllegalArgumentException("A command needs at least its name");
		}
		CommandArgs<String, String> commandArgs = new CommandArgs<>(StringCodec.UTF8);
		for (int i = 1; i < args.length; i++) {
			commandArgs.add(args[i]);
		}
		try (StatefulRedisConnection<String, String> connection = this.client.connect()) {
			return connection.sync().dispatch(new Keyword(args[0]), new ReplyOutput(), commandArgs);
		}
	}

	@Override
	public void close() {
		try {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		finally {
			if (this.embedded != null) {
				this.embedded.close();
			}
		}
	}

	@Override
	public boolean isEmbedded() {
		return this.embedded != null;
	}

	private EmbeddedRedis embeddedRedis() {
		if (this.embedded == null) {
			throw new IllegalStateException(EXTERNAL_MESSAGE);
		}
		return this.embedded;
	}

	/**
	 * Write a command on a raw socket so that it has reached the server when this method
	 * returns, something Lettuce's asynchronous API cannot promise, and read its reply on
	 * a daemon thread.
	 */
	private void sendWithoutWaiting(List<String> command, Duration duration) {
		if (this.redisUri.isSsl()) {
			throw new IllegalStateException("debugSleep needs a plain TCP connection, not TLS");
		}
		List<List<String>> commands = new ArrayList<>();
		Credentials credentials = credentials();
		if (credentials.password() != null) {
			commands
				.add((credentials.username() != null) ? List.of("AUTH", credentials.username(), credentials.password())
						: List.of("AUTH", credentials.password()));
		}
		commands.add(command);
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(host(), port()), (int) CONNECT_TIMEOUT.toMillis());
			socket.setSoTimeout((int) duration.plus(COMMAND_TIMEOUT).toMillis());
			socket.getOutputStream().write(encode(commands));
			socket.getOutputStream().flush();
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new UncheckedIOException("Could not send " + command + " to " + host() + ":" + port(), ex);
		}
		Thread reader = new Thread(() -> readReplies(socket, commands.size()), "redis-debug-sleep");
		reader.setDaemon(true);
		reader.start();
	}

	private static void readReplies(Socket socket, int count) {
		try (socket) {
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			// each reply is a single status or error line
			int read = 0;
			while (read < count && reader.readLine() != null) {
				read++;
			}
		}
		catch (IOException ex) {
			// the server went away meanwhile: nothing left to read
		}
	}

	private static byte[] encode(List<List<String>> commands) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (List<String> command : commands) {
			out.writeBytes(("*" + command.size() + "\r\n").getBytes(StandardCharsets.UTF_8));
			for (String arg : command) {
				byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
				out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
				out.writeBytes(bytes);
				out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
			}
		}
		return out.toByteArray();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already failing
		}
	}

	private static long positiveMillis(Duration duration) {
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException("Duration must be positive: " + duration);
		}
		return duration.toMillis();
	}

	/**
	 * Lettuce 7's {@link RedisURI} no longer exposes the password, so read the user info
	 * the way Lettuce does: {@code redis://password@host} or
	 * {@code redis://username:password@host}.
	 */
	private Credentials credentials() {
		String userInfo = URI.create(this.uri).getUserInfo();
		if (userInfo == null || userInfo.isEmpty()) {
			return new Credentials(null, null);
		}
		int colon = userInfo.indexOf(':');
		if (colon < 0) {
			return new Credentials(null, userInfo);
		}
		String username = userInfo.substring(0, colon);
		return new Credentials(username.isEmpty() ? null : username, userInfo.substring(colon + 1));
	}

	/**
	 * Any RESP2 reply as {@code String}, {@code Long}, {@code List} or {@code null}.
	 * Lettuce's {@code ObjectOutput} only handles aggregate replies.
	 */
	private static final class ReplyOutput extends CommandOutput<String, String, Object> {

		private final Deque<List<Object>> open = new ArrayDeque<>();

		private final Deque<Integer> sizes = new ArrayDeque<>();

		ReplyOutput() {
			super(StringCodec.UTF8, null);
		}

		@Override
		public void set(ByteBuffer bytes) {
			add((bytes != null) ? StringCodec.UTF8.decodeValue(bytes) : null);
		}

		@Override
		public void setSingle(ByteBuffer bytes) {
			set(bytes);
		}

		@Override
		public void set(long integer) {
			add(integer);
		}

		@Override
		public void multi(int count) {
			if (count > 0) {
				this.open.push(new ArrayList<>(count));
				this.sizes.push(count);
			}
			else {
				add((count < 0) ? null : new ArrayList<>());
			}
		}

		private void add(Object value) {
			Object completed = value;
			while (!this.open.isEmpty()) {
				List<Object> parent = this.open.peek();
				parent.add(completed);
				if (parent.size() < this.sizes.peek()) {
					return;
				}
				this.open.pop();
				this.sizes.pop();
				completed = parent;
			}
			this.output = completed;
		}

	}

	private record Credentials(String username, String password) {
	}

	private record Keyword(String name) implements ProtocolKeyword {

		@Override
		public byte[] getBytes() {
			return this.name.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public String toString() {
			return this.name.toUpperCase(Locale.ROOT);
		}

	}

}
