package io.tiercache.benchmarks;

import java.io.Serializable;

/**
 * What {@code MixedWorkloadBenchmark} caches: a product as the {@link VersionedCatalog}
 * returned it, with the version it had then, so that a read can tell whether it was
 * served an old value.
 *
 * @param id the id
 * @param version the product's version when it was loaded: 0 until its first write
 * @param priceCents the price in cents, which each write changes
 */
public record VersionedProduct(long id, long version, long priceCents) implements Serializable {

}
