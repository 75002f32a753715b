package io.tiercache.benchmarks.fanout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FanoutInstance} in a JVM of its own, started from this JVM's class path: its
 * messages to the driver are queued, the rest of its output is copied to the driver's log
 * with its number in front.
 */
final class InstanceProcess {

	/** Queued when the instance's output ends, which only its exit does. */
	private static final String END = "\u0000end";

	private final int index;

	private final Process process;

	private final Writer commands;

	private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

	private InstanceProcess(int index, Process process) {
		this.index = index;
		this.process = process;
		this.commands = process.outputWriter(StandardCharsets.UTF_8);
	}

	/**
	 * Start an instance.
	 * @param index its number
	 * @param role {@link FanoutInstance#PUBLISHER} or {@link FanoutInstance#RECEIVER}
	 * @param redisPort the port of Redis on {@code 127.0.0.1}
	 * @param plan what the publisher sends
	 * @param log where its output goes
	 * @return the running instance
	 */
	static InstanceProcess start(int index, String role, int redisPort, Plan plan, PrintStream log) {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms256m", "-Xmx256m",
						"-cp", System.getProperty("java.class.path"), FanoutInstance.class.getName(), role,
						Integer.toString(redisPort)));
		command.addAll(List.of(plan.arguments()));
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start instance " + index, ex);
		}
		InstanceProcess instance = new InstanceProcess(index, process);
		Thread reader = new Thread(() -> instance.read(log), "instance-" + index + "-output");
		reader.setDaemon(true);
		reader.start();
		return instance;
	}

	private void read(PrintStream log) {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = output.readLine()) != null) {
				if (line.startsWith(FanoutInstance.PREFIX)) {
					this.messages.add(line.substring(FanoutInstance.PREFIX.length()));
				}
				else {
					log.println("[instance " + this.index + "] " + line);
				}
			}
		}
		catch (IOException ex) {
			log.println("[instance " + this.index + "] output lost: " + ex);
		}
		finally {
			this.messages.add(END);
		}
	}

	int index() {
		return this.index;
	}

	/**
	 * Wait for the instance's next message, which must be of the given kind.
	 * @param kind the kind
	 * @param timeout how long to wait
	 * @return the message
	 * @throws IllegalStateException if it exits, says something else, or says nothing in
	 * time
	 */
	InstanceMessage await(String kind, Duration timeout) throws InterruptedException {
		String line = this.messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (line == null) {
			throw new IllegalStateException("Instance " + this.index + " did not say '" + kind + "' within " + timeout);
		}
		if (line.equals(END)) {
			this.process.waitFor(10, TimeUnit.SECONDS);
			throw new IllegalStateException("Instance " + this.index + " exited ("
					+ (this.process.isAlive() ? "output closed" : "code " + this.process.exitValue())
					+ ") before saying '" + kind + "'");
		}
		InstanceMessage message = InstanceMessage.parse(line);
		if (!message.kind().equals(kind)) {
			throw new IllegalStateException("Instance " + this.index + " said '" + line + "', not '" + kind + "'");
		}
		return message;
	}

	void command(String command) {
		try {
			this.commands.write(command + "\n");
			this.commands.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not tell instance " + this.index + " to " + command, ex);
		}
	}

	/** Wait for the instance to exit by itself, as it does once it has reported. */
	void awaitExit(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("Instance " + this.index + " did not exit within " + timeout);
		}
		if (this.process.exitValue() != 0) {
			throw new IllegalStateException("Instance " + this.index + " exited with " + this.process.exitValue());
		}
	}

	/** Stop the instance if it still runs: politely, then forcibly. */
	void stop() {
		if (!this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
