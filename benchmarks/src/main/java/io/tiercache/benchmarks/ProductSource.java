package io.tiercache.benchmarks;

/**
 * What every variant's bean in the hit benchmarks offers: the lookup, and how many times
 * its body loaded a product (ran on a miss).
 */
public interface ProductSource {

	/**
	 * Find a product.
	 * @param id the id
	 * @return the product
	 */
	Product find(long id);

	/**
	 * Number of times the body loaded a product. The hit benchmarks read it between
	 * iterations only.
	 * @return the number of loads
	 */
	long loads();

}
