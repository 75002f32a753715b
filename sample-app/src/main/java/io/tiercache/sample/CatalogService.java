package io.tiercache.sample;

import java.math.BigDecimal;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Catalog use cases. Reads are deliberately not transactional: a transaction takes a
 * database connection up front, which a cache hit does not need.
 */
@Service
public class CatalogService {

	private final ProductRepository repository;

	public CatalogService(ProductRepository repository) {
		this.repository = repository;
	}

	public Product product(long id) {
		return this.repository.findById(id).orElseThrow(() -> new ProductNotFoundException(id));
	}

	public List<Product> byCategory(String category) {
		return this.repository.findByCategory(category);
	}

	/**
	 * Changes the price of a product. The invalidation declared on
	 * {@link ProductRepository#save} runs once this transaction has committed.
	 * @param id the product
	 * @param price the new price
	 * @return the updated product
	 */
	@Transactional
	public Product updatePrice(long id, BigDecimal price) {
		Product current = this.repository.findForUpdateById(id).orElseThrow(() -> new ProductNotFoundException(id));
		return this.repository.save(current.withPrice(price));
	}

}
