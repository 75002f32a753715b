package io.tiercache.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One instance of the sample application, in a process of its own, started from its jar
 * as a user would ({@code java -jar}), and stopped with {@code SIGTERM}.
 */
final class SampleInstance implements AutoCloseable {

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

	private final Process process;

	private final int port;

	private final Path log;

	private SampleInstance(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	static SampleInstance start(Path jar, int port, Path log, List<String> arguments, HttpClient http)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms512m", "-Xmx512m",
						"-jar", jar.toString(), "--server.port=" + port));
		command.addAll(arguments);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		SampleInstance instance = new SampleInstance(process, port, log);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("The sample on port " + port + " exited: " + tail(log));
			}
			try {
				if (http
					.send(HttpRequest.newBuilder(instance.uri("/actuator/health")).build(), BodyHandlers.discarding())
					.statusCode() == 200) {
					return instance;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		instance.close();
		throw new IllegalStateException("The sample on port " + port + " did not become healthy: " + tail(log));
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/**
	 * The samples of {@code /actuator/prometheus}, by name and labels, such as
	 * {@code tiercache_gets_total{cache="products",result="hit",tier="local"}}.
	 */
	Map<String, Double> scrape(HttpClient http) throws IOException, InterruptedException {
		String body = http
			.send(HttpRequest.newBuilder(uri("/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build(),
					BodyHandlers.ofString())
			.body();
		Map<String, Double> samples = new HashMap<>();
		for (String line : body.split("\n")) {
			Matcher sample = SAMPLE.matcher(line.trim());
			if (!line.startsWith("#") && sample.matches()) {
				samples.put(sample.group(1) + ((sample.group(2) != null) ? sample.group(2) : ""),
						Double.parseDouble(sample.group(3)));
			}
		}
		return samples;
	}

	/** The samples of every instance, summed, as {@code sum by (...)} over instances. */
	static Map<String, Double> scrape(List<SampleInstance> instances, HttpClient http)
			throws IOException, InterruptedException {
		Map<String, Double> sum = new HashMap<>();
		for (SampleInstance instance : instances) {
			instance.scrape(http).forEach((key, value) -> sum.merge(key, value, Double::sum));
		}
		return sum;
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	@Override
	public String toString() {
		return "sample on :" + this.port + " (log " + this.log + ")";
	}

}
