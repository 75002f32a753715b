package io.tiercache.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One {@code redis-server} process of the binary bundled with
 * {@code org.signal:embedded-redis} (Redis 7.0), run with a configuration file of its own
 * in a directory of its own under {@code target/embedded-redis}, which it keeps across
 * restarts: unlike {@link EmbeddedRedis}, it can persist (AOF, RDB), replicate, or run as
 * a Sentinel, and it can be killed with {@code SIGKILL} and started again from what it
 * left on disk. <pre class="code">
 * try (RedisProcess redis = RedisProcess.appendOnly()) {
 *     long length = redis.appendOnlyLength();
 *     // ... writes that an OS crash would lose ...
 *     redis.killLosingWritesAfter(length);
 *     redis.startAgain();
 * }
 * </pre> Plain Java, like {@link EmbeddedRedis}; processes still running when the JVM
 * exits are killed by a shutdown hook.
 */
public final class RedisProcess implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final Path BASE_DIRECTORY = Paths.get("target", "embedded-redis").toAbsolutePath();

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final int START_ATTEMPTS = 5;

	private static final Set<RedisProcess> OPEN = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> OPEN.forEach(RedisProcess::close), "redis-process-shutdown"));
	}

	private final String name;

	private final int port;

	private final Path directory;

	private final boolean sentinel;

	private final DefaultRedisServerHandle commands;

	private Process process;

	private boolean suspended;

	private boolean closed;

	private RedisProcess(String name, int port, Path directory, boolean sentinel) {
		this.name = name;
		this.port = port;
		this.directory = directory;
		this.sentinel = sentinel;
		this.commands = DefaultRedisServerHandle.commandsOnly("redis://" + HOST + ":" + port);
	}

	/**
	 * Start a server on a free port with persistence off, as {@link EmbeddedRedis} runs,
	 * plus the given settings.
	 * @param settings lines of {@code redis.conf}, such as {@code "appendonly yes"}
	 * @return the running server
	 * @throws IllegalStateException if it does not start, with the end of its log
	 */
	public static RedisProcess start(String... settings) {
		IllegalStateException failure = new IllegalStateException(
				"Could not start redis-server on a free port after " + START_ATTEMPTS + " attempts");
		for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
			try {
				return start("redis", EmbeddedRedis.freePort(), List.of(settings), false);
			}
			catch (IllegalStateException ex) {
				failure.addSuppressed(ex);
			}
		}
		throw failure;
	}

	/**
	 * Start a server persisting to an append-only file fsynced once a second
	 * ({@code appendfsync everysec}), the setting most deployments run with, and never
	 * rewriting it, so that {@link #appendOnlyLength()} and
	 * {@link #killLosingWritesAfter(long)} apply to one file.
	 * @return the running server
	 */
	public static RedisProcess appendOnly() {
		return start("appendonly yes", "appendfsync everysec", "auto-aof-rewrite-percentage 0");
	}

	/**
	 * Start a process on the given port.
	 * @param name what the process is, for messages and its directory
	 * @param port its port
	 * @param settings lines of its configuration file, after the common ones
	 * @param sentinel whether to run it as a Sentinel ({@code --sentinel})
	 * @return the running process
	 */
	static RedisProcess start(String name, int port, List<String> settings, boolean sentinel) {
		Path directory = createDirectory(name, port);
		RedisProcess redis = new RedisProcess(name, port, directory, sentinel);
		try {
			List<String> lines = new ArrayList<>();
			lines.add("port " + port);
			lines.add("bind " + HOST);
			lines.add("dir " + quote(directory));
			lines.add("logfile \"\"");
			if (!sentinel) {
				lines.add("save \"\"");
				lines.add("appendonly no");
				lines.add("enable-debug-command yes");
				// A replica's first sync starts at once rather than after 5 s.
				lines.add("repl-diskless-sync-delay 0");
			}
			lines.addAll(settings);
			Files.write(redis.configFile(), lines, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			EmbeddedRedis.deleteDirectory(directory);
			throw new UncheckedIOException("Could not write the configuration of " + name, ex);
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

	public String host() {
		return HOST;
	}

	/** The port, the same across restarts. */
	public int port() {
		return this.port;
	}

	/** The address as a Redis URI, {@code redis://127.0.0.1:port}. */
	public String uri() {
		return "redis://" + HOST + ":" + this.port;
	}

	/** Its working directory, where its configuration, log and files are. */
	public Path directory() {
		return this.directory;
	}

	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/** Whether the process is stopped by {@link #suspend()}. */
	public synchronized boolean isSuspended() {
		return this.suspended;
	}

	/**
	 * Run a command on a short-lived connection, as {@link RedisServerHandle#command}
	 * does.
	 * @param args the command and its arguments
	 * @return the reply
	 */
	public Object command(String... args) {
		return this.commands.command(args);
	}

	/**
	 * The value of a field of {@code INFO}, such as {@code run_id} or {@code role}.
	 * @param section the section, such as {@code server} or {@code replication}
	 * @param field the field
	 * @return its value, or {@code null} if the section has no such field
	 */
	public String info(String section, String field) {
		for (String line : ((String) command("INFO", section)).split("\r\n")) {
			if (line.startsWith(field + ":")) {
				return line.substring(field.length() + 1);
			}
		}
		return null;
	}

	/**
	 * Kill the process with {@code SIGKILL}, as a crash or the OOM killer would: nothing
	 * is flushed, nothing is said to clients or replicas. Returns once it has exited.
	 */
	public synchronized void kill() {
		if (this.process != null) {
			this.process.destroyForcibly();
			awaitExit(this.process);
			this.process = null;
			this.suspended = false;
		}
	}

	/**
	 * Stop the process with {@code SIGTERM} (a clean shutdown), then as {@link #kill}.
	 */
	public synchronized void stop() {
		if (this.process != null) {
			// A stopped process would only act on SIGTERM once continued.
			if (this.suspended) {
				resume();
			}
			this.process.destroy();
			if (!awaitExit(this.process)) {
				this.process.destroyForcibly();
				awaitExit(this.process);
			}
			this.process = null;
		}
	}

	/**
	 * Stop the process with {@code SIGSTOP}, as a frozen host or a long stall would: its
	 * connections stay open, but it answers nothing, clients, replication and cluster bus
	 * alike, until {@link #resume()}. A command sent to it meanwhile waits for its
	 * timeout.
	 * @throws IllegalStateException if it is not running
	 */
	public synchronized void suspend() {
		signal("STOP");
		this.suspended = true;
	}

	/**
	 * Let a {@link #suspend() suspended} process go on with {@code SIGCONT}: it then
	 * reads what its peers sent meanwhile, and finds its links closed if they gave up.
	 * @throws IllegalStateException if it is not running
	 */
	public synchronized void resume() {
		signal("CONT");
		this.suspended = false;
	}

	private void signal(String signal) {
		if (this.process == null) {
			throw new IllegalStateException(this + " is not running");
		}
		long pid = this.process.pid();
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
				.start();
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
						+ new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run kill -" + signal, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling " + this, ex);
		}
	}

	/**
	 * Start the process again on the same port, in the same directory: it loads what it
	 * persisted there (its append-only file or snapshot), and a Sentinel its rewritten
	 * configuration. Does nothing if it is running.
	 * @throws IllegalStateException if it was closed, or does not start
	 */
	public synchronized void startAgain() {
		if (this.closed) {
			throw new IllegalStateException(this + " has been closed");
		}
		if (!isRunning()) {
			launch();
		}
	}

	/**
	 * The length of the append-only file that new writes are appended to (Redis 7 keeps a
	 * base file and an incremental one under {@code appendonlydir}). Every write
	 * acknowledged so far is in it: Redis writes the file before it replies.
	 * @return its length in bytes
	 */
	public long appendOnlyLength() {
		try {
			return Files.size(incrementalAppendOnlyFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Kill the process with {@code SIGKILL} and cut its append-only file back to
	 * {@code length}: the state an operating system crash or a power loss leaves on disk
	 * when the writes after that point were acknowledged but not yet fsynced, as
	 * {@code appendfsync everysec} admits for up to about a second (a process crash alone
	 * loses nothing: the file is written before each reply). {@link #startAgain()} then
	 * restarts from it.
	 * @param length an earlier {@link #appendOnlyLength()}
	 */
	public synchronized void killLosingWritesAfter(long length) {
		kill();
		Path file = incrementalAppendOnlyFile();
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			if (channel.size() < length) {
				throw new IllegalStateException(file + " is shorter than " + length + " bytes");
			}
			channel.truncate(length);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not truncate " + file, ex);
		}
	}

	private Path incrementalAppendOnlyFile() {
		Path dir = this.directory.resolve("appendonlydir");
		try (Stream<Path> files = Files.list(dir)) {
			List<Path> incremental = files.filter((path) -> path.getFileName().toString().endsWith(".incr.aof"))
				.toList();
			if (incremental.size() != 1) {
				throw new IllegalStateException("Expected one incremental append-only file in " + dir + ", found "
						+ incremental + " (is appendonly on, and rewriting off?)");
			}
			return incremental.get(0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No append-only files in " + dir + " (is appendonly on?)", ex);
		}
	}

	/** Kill the process and delete its directory. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			kill();
			this.commands.close();
		}
		finally {
			OPEN.remove(this);
			EmbeddedRedis.deleteDirectory(this.directory);
		}
	}

	private Path configFile() {
		return this.directory.resolve(this.sentinel ? "sentinel.conf" : "redis.conf");
	}

	private Path logFile() {
		return this.directory.resolve("redis.log");
	}

	private void launch() {
		List<String> command = new ArrayList<>(List.of(EmbeddedRedis.binary().toString(), configFile().toString()));
		if (this.sentinel) {
			command.add("--sentinel");
		}
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command, ex);
		}
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		RuntimeException last = null;
		while (System.nanoTime() - deadline < 0) {
			if (!this.process.isAlive()) {
				this.process = null;
				throw new IllegalStateException(this + " exited at start: " + logTail());
			}
			try {
				if ("PONG".equals(command("PING"))) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex;
			}
			pause(Duration.ofMillis(20));
		}
		kill();
		throw new IllegalStateException(this + " did not answer PING within " + START_TIMEOUT + ": " + logTail(), last);
	}

	/** The last lines of the process's log, which say why it would not start. */
	String logTail() {
		try {
			List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private static Path createDirectory(String name, int port) {
		try {
			return Files.createTempDirectory(Files.createDirectories(BASE_DIRECTORY), name + "-" + port + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a working directory under " + BASE_DIRECTORY, ex);
		}
	}

	private static boolean awaitExit(Process process) {
		try {
			return process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Something awaited; a check that throws counts as not holding yet. */
	@FunctionalInterface
	interface Condition {

		boolean holds();

	}

	/**
	 * Wait until a condition holds, failing after the timeout with the end of each
	 * process's log. A check that throws, as one asking a process that is going down may,
	 * is tried again.
	 * @param timeout how long to wait
	 * @param what what is awaited, for the message
	 * @param processes the processes whose logs explain a timeout
	 * @param condition the condition
	 * @throws IllegalStateException on timeout
	 */
	static void await(Duration timeout, String what, Collection<RedisProcess> processes, Condition condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		RuntimeException last = null;
		while (System.nanoTime() - deadline < 0) {
			try {
				if (condition.holds()) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex;
			}
			pause(Duration.ofMillis(50));
		}
		StringBuilder logs = new StringBuilder();
		for (RedisProcess process : processes) {
			logs.append("\n--- ").append(process).append(":\n").append(process.logTail());
		}
		throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what + logs, last);
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
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
		return "RedisProcess[" + this.name + ", " + uri() + "]";
	}

}
