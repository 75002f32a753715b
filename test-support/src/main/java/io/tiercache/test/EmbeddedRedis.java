package io.tiercache.test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import redis.embedded.RedisExecProvider;
import redis.embedded.RedisServer;
import redis.embedded.exceptions.EmbeddedRedisException;
import redis.embedded.util.OsArchitecture;

/**
 * A real {@code redis-server} process (the Redis 7 binary bundled by
 * {@code org.signal:embedded-redis}) listening on a loopback port, without persistence.
 * <p>
 * Tests get one through {@link RedisServerExtension}. This class is plain Java so that an
 * application can also run a Redis of its own when none is configured: <pre class="code">
 * try (EmbeddedRedis redis = EmbeddedRedis.start()) {
 *     // connect to redis.host():redis.port()
 * }
 * </pre> The server runs with {@code save ""}, {@code appendonly no} and the DEBUG
 * command enabled, so a stop followed by a start loses all data like a real restart
 * without persistence. Its binary and working directory live under
 * {@code target/embedded-redis} of the current directory rather than in the temporary
 * directory. Servers still running when the JVM exits are stopped by a shutdown hook.
 */
public final class EmbeddedRedis implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final Path BASE_DIRECTORY = Paths.get("target", "embedded-redis").toAbsolutePath();

	private static final int START_ATTEMPTS = 5;

	private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final Set<EmbeddedRedis> OPEN = ConcurrentHashMap.newKeySet();

	private static RedisExecProvider execProvider;

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> OPEN.forEach(EmbeddedRedis::close), "embedded-redis-shutdown"));
	}

	private final int port;

	private final Path directory;

	private final RedisServer server;

	private long pid = -1;

	private boolean closed;

	private EmbeddedRedis(int port, Path directory, RedisServer server) {
		this.port = port;
		this.directory = directory;
		this.server = server;
	}

	/**
	 * Start a server on a free port, retrying on another port if the chosen one is taken
	 * before {@code redis-server} binds it.
	 * @return the running server
	 * @throws IllegalStateException if no server could be started
	 */
	public static EmbeddedRedis start() {
		return start(EmbeddedRedis::freePort);
	}

	/**
	 * Start a server on the given port.
	 * @param port the port to listen on, on {@code 127.0.0.1}
	 * @return the running server
	 * @throws IllegalStateException if the port is taken or the server does not start
	 */
	public static EmbeddedRedis start(int port) {
		Path directory = createDirectory(port);
		EmbeddedRedis redis;
		try {
			redis = new EmbeddedRedis(port, directory, build(port, directory));
		}
		catch (RuntimeException ex) {
			deleteDirectory(directory);
			throw ex;
		}
		OPEN.add(redis);
		try {
			redis.launch();
		}
		catch (RuntimeException ex) {
			redis.close();
			throw ex;
		}
		return redis;
	}

	static EmbeddedRedis start(IntSupplier ports) {
		IllegalStateException failure = new IllegalStateException(
				"Could not start redis-server on a free port after " + START_ATTEMPTS + " attempts");
		for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
			try {
				return start(ports.getAsInt());
			}
			catch (IllegalStateException ex) {
				failure.addSuppressed(ex);
			}
		}
		throw failure;
	}

	/**
	 * Return the host the server listens on.
	 * @return always {@code 127.0.0.1}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * Return the port the server listens on; it stays the same across {@link #stop()} and
	 * {@link #startAgain()}.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the server's address as a Redis URI.
	 * @return for example {@code redis://127.0.0.1:6379}
	 */
	public String uri() {
		return "redis://" + HOST + ":" + this.port;
	}

	/**
	 * Return whether the {@code redis-server} process is alive.
	 * @return {@code true} if the server is running
	 */
	public synchronized boolean isRunning() {
		return this.server.isActive() && process().map(ProcessHandle::isAlive).orElse(false);
	}

	/**
	 * Stop the server, keeping its port for {@link #startAgain()}. Does nothing if the
	 * server is already stopped.
	 */
	public synchronized void stop() {
		if (!this.server.isActive()) {
			return;
		}
		// SIGTERM with a bound, then SIGKILL: RedisServer.stop() alone may wait forever
		process().ifPresent((process) -> {
			process.destroy();
			if (!awaitExit(process)) {
				process.destroyForcibly();
				awaitExit(process);
			}
		});
		this.server.stop();
		this.pid = -1;
	}

	/**
	 * Start the server again on the same port after {@link #stop()}, with no data, and
	 * wait until it answers {@code PING}. Does nothing if the server is running.
	 * @throws IllegalStateException if the server was closed, the port was taken in the
	 * meantime, or the server does not answer in time
	 */
	public synchronized void startAgain() {
		if (this.closed) {
			throw new IllegalStateException("Embedded Redis on port " + this.port + " has been closed");
		}
		if (!isRunning()) {
			// clears the state of a server that died on its own
			stop();
			launch();
		}
	}

	/**
	 * Stop the server for good and delete its working directory.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			stop();
		}
		finally {
			OPEN.remove(this);
			deleteDirectory(this.directory);
		}
	}

	private Optional<ProcessHandle> process() {
		return (this.pid > 0) ? ProcessHandle.of(this.pid) : Optional.empty();
	}

	Path directory() {
		return this.directory;
	}

	private void launch() {
		checkPortIsFree(this.port);
		try {
			this.server.start();
		}
		catch (EmbeddedRedisException ex) {
			throw new IllegalStateException("redis-server did not start on port " + this.port
					+ " (its own output, printed above, gives the reason)", ex);
		}
		awaitPing();
		this.pid = readPid();
	}

	private void awaitPing() {
		long deadline = System.nanoTime() + PING_TIMEOUT.toNanos();
		IOException lastFailure = null;
		while (System.nanoTime() < deadline) {
			try {
				if ("+PONG".equals(ping())) {
					return;
				}
			}
			catch (IOException ex) {
				lastFailure = ex;
			}
			pause();
		}
		throw new IllegalStateException(
				"redis-server on port " + this.port + " did not answer PING within " + PING_TIMEOUT, lastFailure);
	}

	private String ping() throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, this.port), 1000);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
		}
	}

	private long readPid() {
		try {
			return Long.parseLong(Files.readString(this.directory.resolve("redis.pid")).trim());
		}
		catch (IOException | NumberFormatException ex) {
			throw new IllegalStateException("Could not read the pid of redis-server on port " + this.port, ex);
		}
	}

	/**
	 * The bundled {@code redis-server} binary, copied once under {@code target}: what
	 * {@link RedisProcess} runs too.
	 */
	static Path binary() {
		try {
			return execProvider().get().toPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find the embedded redis-server binary", ex);
		}
	}

	private static RedisServer build(int port, Path directory) {
		// settings go to a small config file embedded-redis writes to java.io.tmpdir and
		// deletes on exit; its configFile() cannot be used as build() then always fails
		return RedisServer.builder()
			.redisExecProvider(execProvider())
			.port(port)
			.bind(HOST)
			.setting("save \"\"")
			.setting("appendonly no")
			.setting("enable-debug-command yes")
			.setting("dir " + quote(directory))
			.setting("pidfile " + quote(directory.resolve("redis.pid")))
			.build();
	}

	/**
	 * Copy the bundled binary once into {@code target/embedded-redis/bin}: left alone,
	 * embedded-redis extracts a fresh 6 MB copy into the temporary directory per server.
	 */
	private static synchronized RedisExecProvider execProvider() {
		if (execProvider == null) {
			try {
				File extracted = RedisExecProvider.defaultProvider().get();
				Path bin = Files.createDirectories(BASE_DIRECTORY.resolve("bin"));
				Path binary = bin.resolve(extracted.getName());
				if (!Files.isExecutable(binary) || Files.size(binary) != extracted.length()) {
					Path copy = Files.createTempFile(bin, extracted.getName(), ".tmp");
					Files.copy(extracted.toPath(), copy, StandardCopyOption.REPLACE_EXISTING);
					copy.toFile().setExecutable(true);
					Files.move(copy, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				}
				Path temporary = Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath();
				if (extracted.toPath().toAbsolutePath().startsWith(temporary)) {
					Files.deleteIfExists(extracted.toPath());
					Files.deleteIfExists(extracted.toPath().getParent());
				}
				OsArchitecture osArchitecture = OsArchitecture.detect();
				execProvider = RedisExecProvider.defaultProvider()
					.override(osArchitecture.os(), osArchitecture.arch(), binary.toString());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not install the embedded redis-server binary", ex);
			}
		}
		return execProvider;
	}

	/**
	 * A port free on the loopback address now, for a server's second port such as
	 * {@code tls-port}.
	 * @return the port
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port", ex);
		}
	}

	private static void checkPortIsFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(HOST, port));
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Cannot start redis-server: port " + port + " on " + HOST + " is already in use by another process",
					ex);
		}
	}

	private static Path createDirectory(int port) {
		try {
			return Files.createTempDirectory(Files.createDirectories(BASE_DIRECTORY), "port-" + port + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a working directory under " + BASE_DIRECTORY, ex);
		}
	}

	static void deleteDirectory(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// best effort: the directory is under target/
		}
	}

	private static boolean awaitExit(ProcessHandle process) {
		try {
			process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException | ExecutionException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static void pause() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

	private static String quote(Path path) {
		return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

	@Override
	public String toString() {
		return "EmbeddedRedis[" + uri() + "]";
	}

}
