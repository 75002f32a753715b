package io.tiercache.store;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * XFetch's decision, over a simulated stream of reads approaching expiry on a fake clock:
 * the share of reads that refresh at distance {@code d} before expiry must be
 * {@code exp(-d / (delta * beta))}, the probability the formula gives.
 */
class EarlyRefreshTests {

	private static final int READS = 40_000;

	@Test
	void earlyRefreshesFollowTheDistributionOfTheFormula() {
		SplittableRandom random = new SplittableRandom(42);
		long expiry = 1_000_000;
		long delta = 200;
		for (double beta : new double[] { 0.5, 1.0, 2.0 }) {
			for (double distanceInDeltas : new double[] { 0.1, 0.5, 1, 2, 4 }) {
				long distance = (long) (distanceInDeltas * delta);
				long now = expiry - distance;
				int refreshes = 0;
				for (int i = 0; i < READS; i++) {
					if (EarlyRefresh.shouldRefresh(now, expiry, delta, beta, random::nextDouble)) {
						refreshes++;
					}
				}
				double expected = Math.exp(-distance / (delta * beta));
				// Five standard deviations of a binomial share: fails on a wrong formula,
				// not on chance.
				double tolerance = 5 * Math.sqrt(expected * (1 - expected) / READS) + 1e-3;
				assertThat((double) refreshes / READS)
					.as("share of refreshes %s deltas before expiry, beta %s", distanceInDeltas, beta)
					.isCloseTo(expected, within(tolerance));
			}
		}
	}

	@Test
	void aReadAtOrAfterExpiryAlwaysRefreshesAndBetaZeroNever() {
		SplittableRandom random = new SplittableRandom(7);
		for (int i = 0; i < 1000; i++) {
			assertThat(EarlyRefresh.shouldRefresh(1000, 1000, 50, 1.0, random::nextDouble)).isTrue();
			assertThat(EarlyRefresh.shouldRefresh(999, 1000, 50, 0, random::nextDouble)).isFalse();
		}
	}

	@Test
	void theFirstRefreshOfAStreamOfReadsComesWhenTheFormulaSaysOnAverage() {
		// One read per millisecond approaching expiry. The first read to refresh is at
		// distance d with probability p(d) * prod(1 - p(d')) over the earlier reads d' >
		// d, where p(d) = exp(-d / (delta * beta)): compare the simulated mean lead with
		// that expectation.
		SplittableRandom random = new SplittableRandom(3);
		long expiry = 100_000;
		long delta = 100;
		double beta = 1.0;
		int start = 2_000;
		double survival = 1;
		double expectedLead = 0;
		for (int d = start; d >= 0; d--) {
			double p = Math.min(1, Math.exp(-d / (delta * beta)));
			expectedLead += d * p * survival;
			survival *= 1 - p;
		}
		long totalLead = 0;
		int streams = 4_000;
		for (int stream = 0; stream < streams; stream++) {
			long now = expiry - start;
			while (!EarlyRefresh.shouldRefresh(now, expiry, delta, beta, random::nextDouble)) {
				now++;
			}
			totalLead += expiry - now;
		}
		double meanLead = (double) totalLead / streams;
		assertThat(expectedLead).as("refreshes come well before expiry, not at it").isGreaterThan(3 * delta);
		assertThat(meanLead).isCloseTo(expectedLead, within(0.03 * expectedLead));
	}

	@Test
	void localLifetimeEndsAtTheSoftExpiryAtTheLatest() {
		SplittableRandom random = new SplittableRandom(1);
		for (int i = 0; i < 1000; i++) {
			assertThat(EarlyRefresh.localLifetime(10_000, 100, 1.0, random::nextDouble)).isBetween(0L, 10_000L);
		}
		assertThat(EarlyRefresh.localLifetime(10_000, 100, 0, random::nextDouble)).isEqualTo(10_000L);
	}

}
