package io.tiercache.benchmarks;

import java.io.Serializable;

/**
 * The small value every benchmark caches: what a catalog lookup returns.
 *
 * @param id the id
 * @param name the name
 * @param priceCents the price in cents
 */
public record Product(long id, String name, long priceCents) implements Serializable {

	private static final String[] NAMES = new String[ProductIds.COUNT];

	static {
		for (int i = 0; i < NAMES.length; i++) {
			NAMES[i] = "product-" + i;
		}
	}

	/**
	 * The product a "database" would return for an id: one small allocation, no string
	 * building, so that the plain method shows the cost of the call rather than of its
	 * body.
	 * @param id the id
	 * @return the product
	 */
	public static Product load(long id) {
		return new Product(id, NAMES[(int) (id & (NAMES.length - 1))], 100 * id);
	}

}
