package io.tiercache.sample;

import java.io.Serializable;
import java.math.BigDecimal;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A catalog product. A record because cached values are shared by every caller: a change
 * is a new instance ({@link #withPrice(BigDecimal)}), never a mutation of the cached one.
 * <p>
 * {@code @Table} tells Spring Data that this is a JDBC entity: Spring Data Redis is on
 * the class path as well, and would otherwise leave the repository unassigned.
 * Serializable only for Spring's {@code RedisCacheManager} of the {@code spring-cache}
 * profile, which stores values with Java serialization; tiercache stores JSON.
 *
 * @param id the identifier
 * @param name the display name
 * @param category the {@link Category#id() id} of its category
 * @param price the current price
 * @param stock how many are in stock
 * @param version the revision, incremented by every change so that a stale read shows
 */
@Table
public record Product(@Id Long id, String name, String category, BigDecimal price, int stock,
		long version) implements Serializable {

	/**
	 * Returns the next revision of this product with the given price.
	 * @param price the new price
	 * @return a new product with that price and the next version
	 */
	public Product withPrice(BigDecimal price) {
		return new Product(this.id, this.name, this.category, price, this.stock, this.version + 1);
	}

	/**
	 * Returns the next revision of this product with the given stock.
	 * @param stock the new stock
	 * @return a new product with that stock and the next version
	 */
	public Product withStock(int stock) {
		return new Product(this.id, this.name, this.category, this.price, stock, this.version + 1);
	}

	/**
	 * Returns the next revision of this product in another category.
	 * @param category the new category
	 * @return a new product in that category with the next version
	 */
	public Product inCategory(String category) {
		return new Product(this.id, this.name, category, this.price, this.stock, this.version + 1);
	}

}
