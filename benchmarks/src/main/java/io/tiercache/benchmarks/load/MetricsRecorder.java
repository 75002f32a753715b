package io.tiercache.benchmarks.load;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes {@code /actuator/prometheus} of every instance once a second, as Prometheus
 * would, and keeps the samples summed over the instances (what a dashboard's
 * {@code sum by (...)} over all instances shows).
 */
final class MetricsRecorder implements AutoCloseable {

	private final List<Scrape> scrapes = new ArrayList<>();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "scraper");
		thread.setDaemon(true);
		return thread;
	});

	private final long start = System.nanoTime();

	MetricsRecorder(List<SampleInstance> instances, HttpClient http) {
		this.scheduler.scheduleAtFixedRate(() -> {
			Map<String, Double> sum;
			try {
				sum = SampleInstance.scrape(instances, http);
			}
			catch (Exception ex) {
				return; // a missed scrape is a gap in the graph, as in Prometheus
			}
			synchronized (this.scrapes) {
				this.scrapes.add(new Scrape((System.nanoTime() - this.start) / 1e9, sum));
			}
		}, 0, 1, TimeUnit.SECONDS);
	}

	List<Scrape> scrapes() {
		synchronized (this.scrapes) {
			return List.copyOf(this.scrapes);
		}
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

	/**
	 * The samples of one scrape.
	 *
	 * @param seconds seconds since recording started
	 * @param samples samples by name and labels, summed over the instances
	 */
	record Scrape(double seconds, Map<String, Double> samples) {
	}

}
