package io.tiercache.benchmarks;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bookkeeping behind {@code MixedWorkloadBenchmark}'s stale reads and loads.
 */
class VersionedCatalogTests {

	private final AtomicLong clock = new AtomicLong(1_000);

	private final VersionedCatalog catalog = new VersionedCatalog(4, this.clock::get);

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
	void aVersionIsSupersededWhenTheNextOneIsCommitted() {
		this.clock.set(2_000);
		this.catalog.write(this.id);
		this.clock.set(3_000);
		this.catalog.write(this.id);
		assertThat(this.catalog.supersededAt(this.id, 0)).isEqualTo(2_000);
		assertThat(this.catalog.supersededAt(this.id, 1)).isEqualTo(3_000);
	}

	@Test
	void pastItsHistoryTheOldestKeptCommitIsALowerBoundOfTheAge() {
		// Version v is committed at 1000 * (v + 1)
		for (int version = 1; version <= VersionedCatalog.HISTORY + 1; version++) {
			this.clock.set(1_000L * (version + 1));
			this.catalog.write(this.id);
		}
		// Version 1's successor (2) is the oldest kept, and later than version 1
		long oldestKept = this.catalog.supersededAt(this.id, 1);
		assertThat(oldestKept).isEqualTo(3_000);
		assertThat(this.catalog.supersededAt(this.id, 0)).isEqualTo(oldestKept).isGreaterThan(2_000);
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
