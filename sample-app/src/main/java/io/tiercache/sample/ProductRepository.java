package io.tiercache.sample;

import java.util.List;
import java.util.Optional;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;

import org.springframework.data.relational.core.sql.LockMode;
import org.springframework.data.relational.repository.Lock;
import org.springframework.data.repository.ListCrudRepository;

/**
 * Products in the database. Reads are cached and tagged with every product they contain,
 * and writes invalidate those tags, so callers never need to know which caches exist.
 * Every inherited write is overridden to declare what it invalidates, except
 * {@code deleteAll()}, which names no product: do not use it while caches are warm.
 */
public interface ProductRepository extends ListCrudRepository<Product, Long> {

	@Override
	@Cached(name = "products", ttl = "10m", jitter = "10%", tags = "'product:' + #id")
	Optional<Product> findById(Long id);

	/**
	 * Returns the products of a category. An entry is tagged with its category, so that a
	 * product moving into it is seen, and with each product, so that a price change is
	 * seen.
	 * @param category the category
	 * @return the products in that category
	 */
	@Cached(name = "products-by-category", ttl = "5m",
			tags = { "'category:' + #category", "#result.![ 'product:' + id ]" })
	List<Product> findByCategory(String category);

	/**
	 * Reads a product for update, uncached and locked: a write must start from the
	 * committed row, never from a cached copy.
	 * @param id the product
	 * @return the product
	 */
	@Lock(LockMode.PESSIMISTIC_WRITE)
	Optional<Product> findForUpdateById(Long id);

	@Override
	@InvalidatesTags({ "'product:' + #result.id", "'category:' + #result.category" })
	<S extends Product> S save(S product);

	@Override
	@InvalidatesTags({ "#result.![ 'product:' + id ]", "#result.![ 'category:' + category ]" })
	<S extends Product> List<S> saveAll(Iterable<S> products);

	@Override
	@InvalidatesTags("'product:' + #id")
	void deleteById(Long id);

	@Override
	@InvalidatesTags({ "'product:' + #product.id", "'category:' + #product.category" })
	void delete(Product product);

	@Override
	@InvalidatesTags("#ids.![ 'product:' + #this ]")
	void deleteAllById(Iterable<? extends Long> ids);

}
