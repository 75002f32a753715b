package io.tiercache.benchmarks;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bookkeeping behind {@code MixedWorkloadBenchmark}'s stale reads and loads.
 */
class VersionedCatalogTests {

	private final VersionedCatalog catalog = new VersionedCatalog(4);

	private final long id = VersionedCatalog.id(2);

	@AfterEach
	void unregister() {
		VersionedCatalog.unregister();
	}

	@Test
	void loadReturnsTheLastCommittedVersion() {
		assertThat(this.catalog.load(this.id).version()).isZero();
		assertThat(this.catalog.write(this.id)).isEqualTo(1);
		assertThat(this.catalog.write(this.id)).isEqualTo(2);
		VersionedProduct product = this.catalog.load(this.id);
		assertThat(product.id()).isEqualTo(this.id);
		assertThat(product.version()).isEqualTo(2);
		assertThat(this.catalog.version(this.id)).isEqualTo(2);
		assertThat(this.catalog.version(VersionedCatalog.id(1))).isZero();
	}

	@Test
	void aVersionIsSupersededWhenTheNextOneIsCommitted() throws InterruptedException {
		long beforeFirst = System.nanoTime();
		this.catalog.write(this.id);
		long afterFirst = System.nanoTime();
		Thread.sleep(5);
		this.catalog.write(this.id);
		long afterSecond = System.nanoTime();
		assertThat(this.catalog.supersededAt(this.id, 0)).isBetween(beforeFirst, afterFirst);
		assertThat(this.catalog.supersededAt(this.id, 1)).isGreaterThan(afterFirst).isLessThanOrEqualTo(afterSecond);
	}

	@Test
	void pastItsHistoryTheOldestKeptCommitIsALowerBoundOfTheAge() {
		long beforeFirst = System.nanoTime();
		this.catalog.write(this.id);
		long afterFirst = System.nanoTime();
		for (int i = 1; i <= VersionedCatalog.HISTORY; i++) {
			this.catalog.write(this.id);
		}
		// Version 1's successor (2) is the oldest kept, and later than version 1
		long oldestKept = this.catalog.supersededAt(this.id, 1);
		assertThat(this.catalog.supersededAt(this.id, 0)).isEqualTo(oldestKept).isGreaterThan(afterFirst);
		assertThat(beforeFirst).isLessThan(oldestKept);
	}

	@Test
	void loadsAreCountedForTheRegisteredThreadOrAsUnattributed() {
		long[] counted = new long[1];
		this.catalog.load(this.id);
		VersionedCatalog.register(() -> counted[0]++);
		this.catalog.load(this.id);
		this.catalog.load(this.id);
		VersionedCatalog.unregister();
		this.catalog.load(this.id);
		assertThat(counted[0]).isEqualTo(2);
		assertThat(this.catalog.loads()).isEqualTo(4);
		assertThat(this.catalog.unattributedLoads()).isEqualTo(2);
	}

}
