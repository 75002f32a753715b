package io.tiercache.sample;

import java.math.BigDecimal;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A catalog product. A record because cached values are shared by every caller: a change
 * is a new instance ({@link #withPrice(BigDecimal)}), never a mutation of the cached one.
 * <p>
 * {@code @Table} tells Spring Data that this is a JDBC entity: Spring Data Redis is on
 * the class path as well, and would otherwise leave the repository unassigned.
 *
 * @param id the identifier
 * @param name the display name
 * @param category the category, as used by {@code GET /products?category=}
 * @param price the current price
 * @param version the revision, incremented by every change so that a stale read shows
 */
@Table
public record Product(@Id Long id, String name, String category, BigDecimal price, long version) {

	/**
	 * Returns the next revision of this product with the given price.
	 * @param price the new price
	 * @return a new product with that price and the next version
	 */
	public Product withPrice(BigDecimal price) {
		return new Product(this.id, this.name, this.category, price, this.version + 1);
	}

}
