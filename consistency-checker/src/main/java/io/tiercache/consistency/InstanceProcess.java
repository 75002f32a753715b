package io.tiercache.consistency;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * The checker's handle on one instance running as a process of its own
 * ({@link InstanceMain}), across the incarnations that kills and restarts give it.
 * Signals are what an orchestrator or the kernel sends: {@code SIGSTOP}/{@code SIGCONT}
 * (a long GC or a frozen VM looks the same from outside), {@code SIGKILL} (an OOM kill)
 * and {@code SIGTERM} (a deploy).
 */
final class InstanceProcess implements AutoCloseable {

	/** The application's configuration, in the run directory. */
	static final String PROPERTIES = "instance.properties";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

	/** Few threads, little heap: several instances share two cores with the checker. */
	private static final List<String> JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
			"-Xss512k");

	private final int index;

	private final Path runDirectory;

	private final List<String> checkerArguments;

	private @Nullable Process process;

	private @Nullable CompletableFuture<Void> ready;

	private int incarnation = -1;

	InstanceProcess(int index, Path runDirectory, List<String> checkerArguments) {
		this.index = index;
		this.runDirectory = runDirectory;
		this.checkerArguments = List.copyOf(checkerArguments);
	}

	int index() {
		return this.index;
	}

	/**
	 * Start a new incarnation, without waiting for it.
	 * @param deadline when its workers stop, or {@code null} to wait for {@link #go}
	 */
	synchronized void launch(@Nullable Long deadline) {
		this.incarnation++;
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(JVM_OPTIONS);
		command.addAll(mainClass());
		command.add(Integer.toString(this.index));
		command.add(Integer.toString(this.incarnation));
		command.add(this.runDirectory.toString());
		command.add((deadline != null) ? Long.toString(deadline) : "wait");
		command.addAll(this.checkerArguments);
		ProcessBuilder builder = new ProcessBuilder(command)
			.redirectError(this.runDirectory.resolve(logFileName()).toFile())
			.redirectOutput(ProcessBuilder.Redirect.PIPE);
		try {
			Process started = builder.start();
			this.process = started;
			this.ready = CompletableFuture.runAsync(() -> awaitReadyLine(started));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start instance " + this.index, ex);
		}
	}

	/** Wait until the current incarnation's application has started. */
	void awaitReady() {
		CompletableFuture<Void> ready;
		synchronized (this) {
			ready = this.ready;
		}
		if (ready == null) {
			throw new IllegalStateException("Instance " + this.index + " was never launched");
		}
		try {
			ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Instance " + this.index + " did not start: " + logTail(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** Let a launched, ready incarnation start its workers. */
	synchronized void go(long deadline) {
		try {
			OutputStream in = current().getOutputStream();
			in.write(("go " + deadline + "\n").getBytes(StandardCharsets.UTF_8));
			in.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Instance " + this.index + " is gone: " + logTail(), ex);
		}
	}

	/** {@code SIGSTOP}: every thread of the process stops where it is. */
	void stop() {
		signal("STOP");
	}

	/** {@code SIGCONT}. */
	void resume() {
		signal("CONT");
	}

	/** {@code SIGKILL}, and wait until the process is gone. */
	void kill() {
		Process process = current();
		process.destroyForcibly();
		awaitExit(process);
	}

	/**
	 * {@code SIGTERM}, and wait until the process has shut down.
	 * @return the exit status
	 */
	int terminate() {
		Process process = current();
		process.destroy();
		return awaitExit(process);
	}

	/** Whether the current incarnation has exited. */
	synchronized boolean exited() {
		return this.process != null && !this.process.isAlive();
	}

	/** Wait for the current incarnation to end on its own, at the deadline. */
	void awaitEnd() {
		awaitExit(current());
	}

	private int awaitExit(Process process) {
		try {
			if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				process.waitFor();
			}
			return process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private void signal(String signal) {
		long pid = current().pid();
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
				.start();
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
						+ new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private synchronized Process current() {
		if (this.process == null) {
			throw new IllegalStateException("Instance " + this.index + " was never launched");
		}
		return this.process;
	}

	private void awaitReadyLine(Process process) {
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		try {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.equals(InstanceMain.READY)) {
					// Keep draining standard output, so that the instance never blocks on
					// it.
					Thread drain = new Thread(() -> drain(reader), "instance-" + this.index + "-stdout");
					drain.setDaemon(true);
					drain.start();
					return;
				}
			}
			throw new IllegalStateException("Instance " + this.index + " exited before it was ready");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void drain(BufferedReader reader) {
		try {
			while (reader.readLine() != null) {
				// Nothing to read there.
			}
		}
		catch (IOException ex) {
			// The process is gone.
		}
	}

	private String logFileName() {
		return "instance-" + this.index + "-" + this.incarnation + ".log";
	}

	private String logTail() {
		Path log = this.runDirectory.resolve(logFileName());
		try {
			List<String> lines = Files.readAllLines(log);
			return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log at " + log + ")";
		}
	}

	/**
	 * How to start {@link InstanceMain} with the checker's own classes: the class path of
	 * this JVM, or, when the checker runs as its executable jar, that jar through Spring
	 * Boot's {@code PropertiesLauncher}.
	 */
	private static List<String> mainClass() {
		String classPath = System.getProperty("java.class.path");
		boolean executableJar = InstanceMain.class.getClassLoader() != ClassLoader.getSystemClassLoader();
		if (executableJar) {
			return List.of("-cp", classPath, "-Dloader.main=" + InstanceMain.class.getName(),
					"org.springframework.boot.loader.launch.PropertiesLauncher");
		}
		return List.of("-cp", classPath, InstanceMain.class.getName());
	}

	@Override
	public synchronized void close() {
		Process process = this.process;
		if (process != null && process.isAlive()) {
			// A stopped process does not act on SIGTERM until it runs again.
			signal("CONT");
			process.destroy();
			awaitExit(process);
		}
	}

}
