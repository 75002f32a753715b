package io.tiercache.sample;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.relational.core.sql.LockMode;
import org.springframework.data.relational.repository.Lock;
import org.springframework.data.repository.ListCrudRepository;

/**
 * Products in the database. Reads are cached and tagged with what they show, and each
 * write invalidates exactly the tags of what it changes, so callers never need to know
 * which caches exist. The tags:
 * <ul>
 * <li>{@code product:<id>}, one product's fields: on its own entry and on every list
 * showing it; a price or stock change invalidates it;</li>
 * <li>{@code category:<id>}, which products a category holds: on its lists; a move
 * invalidates those of both categories, a new product those of its own;</li>
 * <li>{@code prices:<id>}, the prices of a category's products: on every entry showing
 * one; a price change of the whole category invalidates this one tag, however many
 * products and lists it covers;</li>
 * <li>{@code in-stock:<category>}, which of a category's products are in stock: on the
 * related products; only a product selling out or coming back invalidates it;</li>
 * <li>{@code search}, on every search result: a new or renamed product may match
 * any.</li>
 * </ul>
 * Every inherited write is overridden to declare what it invalidates, except
 * {@code deleteAll()}, which names no product: do not use it while caches are warm.
 * <p>
 * The {@code @Cacheable} and {@code @CacheEvict} annotations are Spring's own, for the
 * load comparison of the README: they act only under the {@code spring-cache} profile
 * ({@link SpringCacheComparison}), which turns tiercache off. Without tags, a price
 * change there must empty every list cache, and a category's price change every cache.
 */
public interface ProductRepository extends ListCrudRepository<Product, Long> {

	/**
	 * Returns a product, tagged with its category's prices too, so that a price change of
	 * the whole category reaches it. An unknown id is cached as well, for the
	 * {@code null-ttl} of the {@code products} cache in {@code application.yml}.
	 */
	@Override
	@Cacheable(cacheNames = "products", key = "#id")
	@Cached(name = "products", ttl = "10m", jitter = "10%",
			tags = { "'product:' + #id", "#result == null ? {} : 'prices:' + #result.category" })
	Optional<Product> findById(Long id);

	/**
	 * Returns the products of a category. An entry is tagged with its category, so that a
	 * product moving into it is seen, and with each product, so that a price change is
	 * seen.
	 * @param category the category
	 * @return the products in that category
	 */
	@Cacheable("products-by-category")
	@Cached(name = "products-by-category", ttl = "5m",
			tags = { "'category:' + #category", "'prices:' + #category", "#result.![ 'product:' + id ]" })
	List<Product> findByCategory(String category);

	/**
	 * Returns one page of a category, tagged like {@link #findByCategory(String)}.
	 * @param category the category
	 * @param limit the page size
	 * @param offset how many products come before the page
	 * @return the products of the page
	 */
	@Cacheable(cacheNames = "category-page", key = "#category + ':' + #limit + ':' + #offset")
	@Cached(name = "category-page", ttl = "5m",
			tags = { "'category:' + #category", "'prices:' + #category", "#result.![ 'product:' + id ]" })
	@Query("SELECT * FROM product WHERE category = :category ORDER BY id LIMIT :limit OFFSET :offset")
	List<Product> findPage(String category, int limit, int offset);

	/**
	 * Returns the first products whose name matches a pattern. Tagged with every product
	 * and category it shows, and with {@code search}, which a new or renamed product
	 * invalidates: no tag can name the searches a product not yet shown would join.
	 * @param pattern a lower-case SQL {@code LIKE} pattern
	 * @return up to 20 products, by id
	 */
	@Cacheable("product-search")
	@Cached(name = "product-search", ttl = "2m",
			tags = { "'search'", "#result.![ 'product:' + id ]", "#result.![ 'prices:' + category ]" })
	@Query("SELECT * FROM product WHERE LOWER(name) LIKE :pattern ORDER BY id LIMIT 20")
	List<Product> search(String pattern);

	/**
	 * Returns the first products of a category that are in stock, shown as related
	 * products on a product page. Served stale for a while after its time to live while
	 * it is refreshed in the background (never once invalidated): a slightly old list is
	 * fine, a slow page is not. Tagged {@code in-stock:<category>} as well: a product
	 * coming back into stock joins the list, and its own tag is not on it yet. A stock
	 * change that leaves a product in stock (or sold out) does not invalidate that tag,
	 * so the list is not reloaded on every sale.
	 * @param category the category
	 * @return up to 6 products, by id
	 */
	@Cacheable("related-products")
	@Cached(name = "related-products", ttl = "1m", staleWhileRevalidate = "5m",
			tags = { "'category:' + #category", "'prices:' + #category", "'in-stock:' + #category",
					"#result.![ 'product:' + id ]" })
	@Query("SELECT * FROM product WHERE category = :category AND stock > 0 ORDER BY id LIMIT 6")
	List<Product> findInStock(String category);

	/**
	 * Reads a product for update, uncached and locked: a write must start from the
	 * committed row, never from a cached copy.
	 * @param id the product
	 * @return the product
	 */
	@Lock(LockMode.PESSIMISTIC_WRITE)
	Optional<Product> findForUpdateById(Long id);

	/**
	 * Changes a price. Only the product's own tag: every cached list showing it carries
	 * that tag.
	 * @param id the product
	 * @param price the new price
	 * @return the number of rows changed
	 */
	@Modifying
	@Query("UPDATE product SET price = :price, version = version + 1 WHERE id = :id")
	@InvalidatesTags("'product:' + #id")
	@Caching(evict = { @CacheEvict(cacheNames = "products", key = "#id"),
			@CacheEvict(cacheNames = { "products-by-category", "category-page", "product-search", "related-products" },
					allEntries = true) })
	int updatePrice(long id, BigDecimal price);

	/**
	 * Changes the stock of a product that stays in stock, or stays sold out: only the
	 * product's own tag, as for a price.
	 * @param id the product
	 * @param category the category it is in
	 * @param stock the new stock
	 * @return the number of rows changed: 0 if it was not in {@code category}
	 */
	@Modifying
	@Query("UPDATE product SET stock = :stock, version = version + 1 WHERE id = :id AND category = :category")
	@InvalidatesTags("'product:' + #id")
	@Caching(evict = { @CacheEvict(cacheNames = "products", key = "#id"),
			@CacheEvict(cacheNames = { "products-by-category", "category-page", "product-search", "related-products" },
					allEntries = true) })
	int updateStock(long id, String category, int stock);

	/**
	 * Changes the stock of a product that sells out or comes back into stock, and so
	 * leaves or joins its category's products in stock ({@link #findInStock(String)}).
	 * @param id the product
	 * @param category the category it is in
	 * @param stock the new stock
	 * @return the number of rows changed: 0 if it was not in {@code category}
	 */
	@Modifying
	@Query("UPDATE product SET stock = :stock, version = version + 1 WHERE id = :id AND category = :category")
	@InvalidatesTags({ "'product:' + #id", "'in-stock:' + #category" })
	@Caching(evict = { @CacheEvict(cacheNames = "products", key = "#id"),
			@CacheEvict(cacheNames = { "products-by-category", "category-page", "product-search", "related-products" },
					allEntries = true) })
	int updateStockAndAvailability(long id, String category, int stock);

	/**
	 * Moves a product from one category to another: the lists of the category it leaves
	 * carry its tag, but those of the one it joins do not, so both categories are
	 * invalidated.
	 * @param id the product
	 * @param from the category it is in
	 * @param to the category it moves to
	 * @return the number of rows changed: 0 if it was not in {@code from}
	 */
	@Modifying
	@Query("UPDATE product SET category = :to, version = version + 1 WHERE id = :id AND category = :from")
	@InvalidatesTags({ "'product:' + #id", "'category:' + #from", "'category:' + #to" })
	@Caching(evict = { @CacheEvict(cacheNames = "products", key = "#id"),
			@CacheEvict(cacheNames = { "products-by-category", "category-page", "product-search", "related-products" },
					allEntries = true) })
	int moveToCategory(long id, String from, String to);

	/**
	 * Multiplies every price of a category, rounded to cents: one tag invalidates every
	 * cached product and list of the category, however many there are.
	 * @param category the category
	 * @param factor the factor, such as {@code 1.10} for 10% more
	 * @return the number of products changed
	 */
	@Modifying
	@Query("UPDATE product SET price = ROUND(price * :factor, 2), version = version + 1 WHERE category = :category")
	@InvalidatesTags("'prices:' + #category")
	@CacheEvict(
			cacheNames = { "products", "products-by-category", "category-page", "product-search", "related-products" },
			allEntries = true)
	int adjustPrices(String category, BigDecimal factor);

	@Override
	@InvalidatesTags({ "'product:' + #result.id", "'category:' + #result.category", "'search'" })
	@Caching(evict = { @CacheEvict(cacheNames = "products", key = "#result.id"),
			@CacheEvict(cacheNames = { "products-by-category", "category-page", "product-search", "related-products" },
					allEntries = true) })
	<S extends Product> S save(S product);

	@Override
	@InvalidatesTags({ "#result.![ 'product:' + id ]", "#result.![ 'category:' + category ]", "'search'" })
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
