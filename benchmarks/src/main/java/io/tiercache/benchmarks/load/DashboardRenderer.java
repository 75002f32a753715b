package io.tiercache.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import io.tiercache.benchmarks.load.MetricsRecorder.Scrape;

/**
 * Draws the main panels of {@code docs/grafana-dashboard.json} from recorded scrapes, as
 * PNG: the same meters, the same aggregations ({@code sum by}, {@code rate} over a
 * window, {@code histogram_quantile}), computed here instead of by Prometheus, drawn
 * instead of by Grafana.
 */
final class DashboardRenderer {

	private static final int WINDOW = 5;

	private static final int PANEL_WIDTH = 640;

	private static final int PANEL_HEIGHT = 300;

	private static final Color BACKGROUND = new Color(0x111217);

	private static final Color PANEL = new Color(0x181b1f);

	private static final Color TEXT = new Color(0xccccdc);

	private static final Color GRID = new Color(0x2c3235);

	private static final Color[] PALETTE = { new Color(0x73BF69), new Color(0xF2CC0C), new Color(0x8AB8FF),
			new Color(0xFF780A), new Color(0xF2495C), new Color(0x5794F2), new Color(0xB877D9), new Color(0x96D98D),
			new Color(0xFFB357), new Color(0xCA95E5) };

	private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

	private final List<Scrape> scrapes;

	DashboardRenderer(List<Scrape> scrapes) {
		this.scrapes = scrapes;
	}

	void write(Path png, String caption) throws IOException {
		List<Panel> panels = List.of(
				panel("Hit ratio per tier", "%", ratio("local tier", "tiercache_gets_total", "tier=\"local\""),
						ratio("Redis", "tiercache_gets_total", "tier=\"remote\"")),
				panel("Lookups by tier and result", "/s",
						rateBy("tiercache_gets_total", (key) -> true,
								(key) -> label(key, "tier") + " " + label(key, "result"))),
				panel("Loads (calls of the cached method)", "/s",
						rateBy("tiercache_loads_seconds_count", (key) -> true, (key) -> label(key, "cache"))),
				panel("Mean load time", "ms", meanLoadTime()),
				panel("Invalidation lag p99 / p50 (publish to local apply)", "ms", lag(0.99, "p99"), lag(0.5, "p50")),
				panel("Invalidations", "/s",
						rateBy("tiercache_invalidations_published_total", (key) -> true, (key) -> "published"),
						rateBy("tiercache_invalidations_received_total", (key) -> true, (key) -> "received"),
						rateBy("tiercache_invalidations_failed_total", (key) -> true, (key) -> "failed")),
				panel("Local tier size", "",
						gaugeBy("cache_size", (key) -> key.contains("cache_manager=\"tiercache\""),
								(key) -> label(key, "cache"))),
				panel("Puts", "/s", rateBy("cache_puts_total", (key) -> key.contains("cache_manager=\"tiercache\""),
						(key) -> label(key, "cache"))));
		int columns = 2;
		int rows = (panels.size() + 1) / columns;
		int header = 48;
		BufferedImage image = new BufferedImage(columns * PANEL_WIDTH + 24, header + rows * (PANEL_HEIGHT + 8) + 8,
				BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(BACKGROUND);
		g.fillRect(0, 0, image.getWidth(), image.getHeight());
		g.setColor(TEXT);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
		g.drawString("tiercache (docs/grafana-dashboard.json) on the sample under load", 12, 26);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		g.drawString(caption, 12, 42);
		for (int i = 0; i < panels.size(); i++) {
			int x = 8 + (i % columns) * (PANEL_WIDTH + 8);
			int y = header + (i / columns) * (PANEL_HEIGHT + 8);
			draw(g, panels.get(i), x, y);
		}
		g.dispose();
		Files.createDirectories(png.toAbsolutePath().getParent());
		ImageIO.write(image, "png", png.toFile());
	}

	private void draw(Graphics2D g, Panel panel, int x, int y) {
		g.setColor(PANEL);
		g.fillRect(x, y, PANEL_WIDTH, PANEL_HEIGHT);
		g.setColor(TEXT);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
		g.drawString(panel.title(), x + 10, y + 20);
		List<Series> series = new ArrayList<>(panel.series());
		series.removeIf((line) -> line.points().values().stream().allMatch((value) -> value == 0));
		int left = x + 56;
		int top = y + 32;
		int width = PANEL_WIDTH - 66 - 150;
		int height = PANEL_HEIGHT - 60;
		double maxTime = this.scrapes.isEmpty() ? 1 : this.scrapes.get(this.scrapes.size() - 1).seconds();
		double maxValue = series.stream()
			.flatMap((line) -> line.points().values().stream())
			.filter(Double::isFinite)
			.mapToDouble(Double::doubleValue)
			.max()
			.orElse(1);
		maxValue = niceCeiling(maxValue);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
		for (int tick = 0; tick <= 4; tick++) {
			int ty = top + height - tick * height / 4;
			g.setColor(GRID);
			g.drawLine(left, ty, left + width, ty);
			g.setColor(TEXT);
			g.drawString(format(maxValue * tick / 4, panel.unit()), x + 4, ty + 4);
		}
		for (int tick = 0; tick <= 4; tick++) {
			int tx = left + tick * width / 4;
			g.drawString(String.format(Locale.ROOT, "%.0f s", maxTime * tick / 4), tx - 8, top + height + 14);
		}
		if (series.isEmpty()) {
			g.drawString("no data", left + width / 2 - 20, top + height / 2);
		}
		g.setStroke(new BasicStroke(1.6f));
		for (int s = 0; s < series.size(); s++) {
			Series line = series.get(s);
			g.setColor(PALETTE[s % PALETTE.length]);
			int[] last = null;
			for (Map.Entry<Double, Double> point : line.points().entrySet()) {
				if (!Double.isFinite(point.getValue())) {
					last = null;
					continue;
				}
				int px = left + (int) (point.getKey() / maxTime * width);
				int py = top + height - (int) (Math.min(point.getValue(), maxValue) / maxValue * height);
				if (last != null) {
					g.drawLine(last[0], last[1], px, py);
				}
				last = new int[] { px, py };
			}
			int ly = top + 10 + s * 15;
			if (ly < top + height) {
				g.fillRect(left + width + 12, ly - 8, 10, 3);
				g.setColor(TEXT);
				g.drawString(line.name(), left + width + 26, ly - 4);
			}
		}
	}

	/** rate(name{filter}[window]) summed by the given grouping, one series per group. */
	private List<Series> rateBy(String name, Predicate<String> filter, Function<String, String> group) {
		Map<String, Map<Double, Double>> lines = new TreeMap<>();
		for (int i = WINDOW; i < this.scrapes.size(); i++) {
			Scrape now = this.scrapes.get(i);
			Scrape then = this.scrapes.get(i - WINDOW);
			double seconds = now.seconds() - then.seconds();
			Map<String, Double> increase = new TreeMap<>();
			for (Map.Entry<String, Double> sample : now.samples().entrySet()) {
				if (name(sample.getKey()).equals(name) && filter.test(sample.getKey())) {
					double delta = sample.getValue() - then.samples().getOrDefault(sample.getKey(), 0.0);
					increase.merge(group.apply(sample.getKey()), Math.max(delta, 0), Double::sum);
				}
			}
			for (Map.Entry<String, Double> entry : increase.entrySet()) {
				lines.computeIfAbsent(entry.getKey(), (key) -> new TreeMap<>())
					.put(now.seconds(), entry.getValue() / seconds);
			}
		}
		List<Series> series = new ArrayList<>();
		lines.forEach((group2, points) -> series.add(new Series(group2, points)));
		return series;
	}

	private List<Series> gaugeBy(String name, Predicate<String> filter, Function<String, String> group) {
		Map<String, Map<Double, Double>> lines = new TreeMap<>();
		for (Scrape scrape : this.scrapes) {
			Map<String, Double> sums = new TreeMap<>();
			scrape.samples().forEach((key, value) -> {
				if (name(key).equals(name) && filter.test(key)) {
					sums.merge(group.apply(key), value, Double::sum);
				}
			});
			sums.forEach((group2, value) -> lines.computeIfAbsent(group2, (key) -> new TreeMap<>())
				.put(scrape.seconds(), value));
		}
		List<Series> series = new ArrayList<>();
		lines.forEach((group2, points) -> series.add(new Series(group2, points)));
		return series;
	}

	/** hits / all of a tier, as a percentage. */
	private List<Series> ratio(String title, String name, String tier) {
		List<Series> hits = rateBy(name, (key) -> key.contains(tier) && key.contains("result=\"hit\""), (key) -> title);
		List<Series> all = rateBy(name, (key) -> key.contains(tier), (key) -> title);
		if (hits.isEmpty() || all.isEmpty()) {
			return List.of();
		}
		return List.of(divide(title, hits.get(0), all.get(0), 100));
	}

	private List<Series> meanLoadTime() {
		List<Series> sums = rateBy("tiercache_loads_seconds_sum", (key) -> true, (key) -> label(key, "cache"));
		List<Series> counts = rateBy("tiercache_loads_seconds_count", (key) -> true, (key) -> label(key, "cache"));
		List<Series> means = new ArrayList<>();
		for (Series sum : sums) {
			counts.stream()
				.filter((count) -> count.name().equals(sum.name()))
				.findFirst()
				.ifPresent((count) -> means.add(divide(sum.name(), sum, count, 1000)));
		}
		return means;
	}

	/** histogram_quantile over the lag histogram's buckets, in milliseconds. */
	private List<Series> lag(double quantile, String title) {
		List<Series> buckets = rateBy("tiercache_invalidations_lag_seconds_bucket", (key) -> true,
				(key) -> label(key, "le"));
		Map<Double, Double> points = new TreeMap<>();
		if (buckets.isEmpty()) {
			return List.of();
		}
		for (Double time : buckets.get(0).points().keySet()) {
			TreeMap<Double, Double> cumulative = new TreeMap<>();
			for (Series bucket : buckets) {
				double le = bucket.name().equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.name());
				cumulative.put(le, bucket.points().getOrDefault(time, 0.0));
			}
			double total = cumulative.lastEntry().getValue();
			if (total == 0) {
				points.put(time, Double.NaN);
				continue;
			}
			double rank = quantile * total;
			double lower = 0;
			double below = 0;
			for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
				if (bucket.getValue() >= rank) {
					double upper = bucket.getKey().isInfinite() ? lower : bucket.getKey();
					double inBucket = bucket.getValue() - below;
					double fraction = (inBucket == 0) ? 1 : (rank - below) / inBucket;
					points.put(time, (lower + (upper - lower) * fraction) * 1000);
					break;
				}
				lower = bucket.getKey();
				below = bucket.getValue();
			}
		}
		return List.of(new Series(title, points));
	}

	private static Series divide(String name, Series numerator, Series denominator, double scale) {
		Map<Double, Double> points = new TreeMap<>();
		numerator.points().forEach((time, value) -> {
			Double divisor = denominator.points().get(time);
			points.put(time, (divisor == null || divisor == 0) ? Double.NaN : scale * value / divisor);
		});
		return new Series(name, points);
	}

	private static String name(String key) {
		int brace = key.indexOf('{');
		return (brace < 0) ? key : key.substring(0, brace);
	}

	private static String label(String key, String label) {
		Matcher matcher = LABEL.matcher(key);
		while (matcher.find()) {
			if (matcher.group(1).equals(label)) {
				return matcher.group(2);
			}
		}
		return "";
	}

	private static double niceCeiling(double value) {
		if (value <= 0 || !Double.isFinite(value)) {
			return 1;
		}
		double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
		for (double step : new double[] { 1, 2, 2.5, 5, 10 }) {
			if (step * magnitude >= value) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

	private static String format(double value, String unit) {
		String number = (value >= 100 || value == 0) ? String.format(Locale.ROOT, "%.0f", value)
				: String.format(Locale.ROOT, "%.2g", value);
		return number + unit;
	}

	@SafeVarargs
	private static Panel panel(String title, String unit, List<Series>... parts) {
		List<Series> series = new ArrayList<>();
		for (List<Series> part : parts) {
			series.addAll(part);
		}
		return new Panel(title, unit, series);
	}

	private record Panel(String title, String unit, List<Series> series) {
	}

	private record Series(String name, Map<Double, Double> points) {
	}

}
