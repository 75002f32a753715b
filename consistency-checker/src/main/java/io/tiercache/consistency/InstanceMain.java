package io.tiercache.consistency;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One instance of the application under test as a process of its own, started by
 * {@link InstanceProcess}: the checker can then stop it ({@code SIGSTOP}), kill it
 * ({@code SIGKILL}) or terminate it ({@code SIGTERM}) as an orchestrator or the kernel
 * would. It starts the application, says {@value #READY} on its standard output, runs its
 * workers until the run's deadline (given, or sent on standard input as
 * {@code go <deadline>}) and streams their histories to files. Deadlines and history
 * times are {@link System#nanoTime()}, which on Linux reads {@code CLOCK_MONOTONIC}, one
 * clock for every process of the machine, so that the parent can compare the histories of
 * all its instances.
 * <p>
 * Arguments: {@code index incarnation run-directory deadline|wait [checker options]}; the
 * application's configuration is {@code instance.properties} in the run directory.
 */
public final class InstanceMain {

	static final String READY = "ready";

	private static final long STOP_JOIN_MILLIS = 2000;

	// Filled by the main thread, read by the shutdown hook's.
	private final List<Worker> workers = new CopyOnWriteArrayList<>();

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private final List<HistoryFile.Writer> writers = new CopyOnWriteArrayList<>();

	private final AtomicBoolean stopped = new AtomicBoolean();

	public static void main(String[] args) throws IOException {
		int index = Integer.parseInt(args[0]);
		int incarnation = Integer.parseInt(args[1]);
		Path runDirectory = Path.of(args[2]);
		CheckerOptions options = CheckerOptions.parse(Arrays.copyOfRange(args, 4, args.length));
		// Standard output is the parent's channel; logs go to standard error, its log
		// file.
		PrintStream parent = System.out;
		System.setOut(System.err);
		InstanceMain instance = new InstanceMain();
		// SIGTERM: Spring Boot's hook closes the application, which publishes what is
		// queued for Redis (tiercache.shutdown-timeout); the workers stop first.
		ConfigurableApplicationContext context = Instance.application(index, properties(runDirectory),
				instance::stopWorkers);
		parent.println(READY);
		parent.flush();
		long deadline = args[3].equals("wait") ? awaitGo() : Long.parseLong(args[3]);
		ItemService service = context.getBean(ItemService.class);
		for (int t = 0; t < options.threads(); t++) {
			Path file = runDirectory.resolve(historyFileName(index, incarnation, t));
			HistoryFile.Writer writer = new HistoryFile.Writer(file);
			Worker worker = new Worker(service, writer, options, deadline);
			instance.writers.add(writer);
			instance.workers.add(worker);
			instance.threads.add(new Thread(worker, "checker-" + index + "-" + t));
		}
		instance.threads.forEach(Thread::start);
		instance.joinWorkers(Long.MAX_VALUE);
		context.close();
		System.exit(0);
	}

	static String historyFileName(int index, int incarnation, int thread) {
		return "history-" + index + "-" + incarnation + "-" + thread + ".bin";
	}

	private static long awaitGo() throws IOException {
		Reader reader = new InputStreamReader(System.in, StandardCharsets.UTF_8);
		String line = new BufferedReader(reader).readLine();
		if (line == null || !line.startsWith("go ")) {
			throw new IllegalStateException("Expected 'go <deadline>' on standard input, got " + line);
		}
		return Long.parseLong(line.substring(3).trim());
	}

	private static Map<String, Object> properties(Path runDirectory) {
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(runDirectory.resolve(InstanceProcess.PROPERTIES))) {
			properties.load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, Object> map = new LinkedHashMap<>();
		properties.stringPropertyNames().forEach((name) -> map.put(name, properties.getProperty(name)));
		return map;
	}

	private void joinWorkers(long millis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(millis, Long.MAX_VALUE / 2_000_000));
		for (Thread thread : this.threads) {
			try {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** Stop the workers and close their histories, once. */
	private void stopWorkers() {
		if (!this.stopped.compareAndSet(false, true)) {
			return;
		}
		this.workers.forEach(Worker::stop);
		joinWorkers(STOP_JOIN_MILLIS);
		this.writers.forEach(HistoryFile.Writer::close);
	}

}
