package io.tiercache.benchmarks.load;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import io.tiercache.benchmarks.load.MetricsRecorder.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The pure parts of the load generator: the key distribution and the dashboard drawing.
 */
class LoadToolsTests {

	@Test
	void zipfGivesEachRankItsShare() {
		int n = 60;
		Zipf zipf = new Zipf(n, 1.0);
		int[] counts = new int[n];
		int draws = 200_000;
		for (int i = 0; i < draws; i++) {
			counts[zipf.next()]++;
		}
		double harmonic = 0;
		for (int rank = 1; rank <= n; rank++) {
			harmonic += 1.0 / rank;
		}
		assertThat(counts[0] / (double) draws).isCloseTo(1 / harmonic, within(0.01));
		assertThat(counts[1] / (double) draws).isCloseTo(1 / (2 * harmonic), within(0.01));
		assertThat(counts[n - 1]).isPositive();
	}

	@Test
	void drawsEveryPanelFromScrapes(@TempDir Path directory) throws Exception {
		List<Scrape> scrapes = new ArrayList<>();
		for (int second = 0; second < 30; second++) {
			scrapes.add(new Scrape(second,
					Map.of("tiercache_gets_total{cache=\"products\",result=\"hit\",tier=\"local\"}", 90.0 * second,
							"tiercache_gets_total{cache=\"products\",result=\"miss\",tier=\"local\"}", 10.0 * second,
							"tiercache_invalidations_lag_seconds_bucket{le=\"0.001\"}", 9.0 * second,
							"tiercache_invalidations_lag_seconds_bucket{le=\"+Inf\"}", 10.0 * second)));
		}
		Path png = directory.resolve("dashboard.png");
		new DashboardRenderer(scrapes).write(png, "test");
		BufferedImage image = ImageIO.read(png.toFile());
		assertThat(image.getWidth()).isEqualTo(2 * 640 + 24);
		assertThat(image.getHeight()).isGreaterThan(4 * 300);
	}

}
