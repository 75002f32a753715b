package io.tiercache.benchmarks.fanout;

import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fan-out benchmark delivers and counts every invalidation: a short run, two
 * instances in processes of their own, at a low rate. Its delays are not checked here:
 * they depend on the machine, and go in the documentation.
 */
class FanoutDeliveryTests {

	@Test
	void everyReceiverAppliesAndRecordsEveryInvalidationOfTheMeasuredPeriod() throws Exception {
		FanoutDelivery.Report report = FanoutDelivery.run(FanoutDelivery.Settings.of(2, 50, 1, 2), System.out);
		assertThat(report.receivers()).singleElement().satisfies((receiver) -> {
			assertThat(receiver.index()).isEqualTo(1);
			assertThat(receiver.sent()).isEqualTo(100);
			assertThat(receiver.received()).isEqualTo(100);
			assertThat(receiver.firstMissing()).isEqualTo(-1);
			assertThat(receiver.duplicates()).isZero();
			assertThat(receiver.delays().getTotalCount()).isEqualTo(100);
		});
		assertThat(report.merged().getTotalCount()).isEqualTo(100);
		assertThat(report.calls().getTotalCount()).isEqualTo(100);
		assertThat(report.queued()).isZero();
		assertThat(report.complete()).isTrue();
	}

	@Test
	void aReceiverThatMissedAnInvalidationMakesTheRunIncomplete() {
		Histogram delays = Histograms.nanos();
		delays.recordValue(50_000);
		FanoutDelivery.Receiver complete = new FanoutDelivery.Receiver(1, 2, 2, -1, 0, 0, delays);
		FanoutDelivery.Receiver missedOne = new FanoutDelivery.Receiver(2, 2, 1, 7, 0, 1, delays);
		FanoutDelivery.Report report = new FanoutDelivery.Report(FanoutDelivery.Settings.of(3, 2, 0, 1),
				List.of(complete, missedOne), 0, Histograms.nanos(), Histograms.nanos(), "n/a", "n/a");
		assertThat(report.complete()).isFalse();
		assertThat(report.failures())
			.containsExactly("Instance 2 applied 1 of the 2 invalidations sent (first missing: #7)");
		assertThat(report.merged().getTotalCount()).isEqualTo(2);
	}

	@Test
	void histogramsSurviveTheirLineOfText() {
		Histogram histogram = Histograms.nanos();
		histogram.recordValue(1_234);
		histogram.recordValue(5_000_000_000L);
		Histogram decoded = Histograms.decode(Histograms.encode(histogram));
		assertThat(decoded.getTotalCount()).isEqualTo(2);
		assertThat(decoded.getMaxValue()).isEqualTo(histogram.getMaxValue());
		assertThat(Histograms.cells(Histograms.nanos())).isEqualTo("- | - | - | - | -");
	}

}
