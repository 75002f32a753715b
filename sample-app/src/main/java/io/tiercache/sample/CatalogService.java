package io.tiercache.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Catalog use cases. Reads are deliberately not transactional: a transaction takes a
 * database connection up front, which a cache hit does not need. Every write is a
 * transaction whose invalidations run once it has committed.
 */
@Service
public class CatalogService {

	/** The largest page of a category listing. */
	static final int MAX_PAGE_SIZE = 50;

	private static final int RELATED = 5;

	private final ProductRepository products;

	private final CategoryRepository categories;

	public CatalogService(ProductRepository products, CategoryRepository categories) {
		this.products = products;
		this.categories = categories;
	}

	public Product product(long id) {
		return this.products.findById(id).orElseThrow(() -> new NotFoundException("No product with id " + id));
	}

	public List<Category> categories() {
		return this.categories.findAllByOrderById();
	}

	public Category category(String id) {
		return this.categories.findById(id).orElseThrow(() -> new NotFoundException("No category " + id));
	}

	/**
	 * One page of a category, by product id.
	 * @param categoryId the category
	 * @param page the page, from 0
	 * @param size its size, from 1 to {@value #MAX_PAGE_SIZE}
	 * @return the page
	 */
	public CategoryPage categoryPage(String categoryId, int page, int size) {
		if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
			throw new IllegalArgumentException("page must be 0 or more and size from 1 to " + MAX_PAGE_SIZE);
		}
		Category category = category(categoryId);
		return new CategoryPage(category, page, size, this.products.findPage(categoryId, size, page * size));
	}

	/**
	 * Products whose name contains the query, ignoring case.
	 * @param query the query
	 * @return up to 20 products
	 */
	public List<Product> search(String query) {
		// LIKE's own wildcards in the query are searched for, not obeyed.
		String escaped = query.strip().toLowerCase(Locale.ROOT).replaceAll("([\\\\%_])", "\\\\$1");
		return this.products.search("%" + escaped + "%");
	}

	/**
	 * A product page, assembled from three cached parts: the product, its category and
	 * the related products of that category.
	 * @param id the product
	 * @return the page
	 */
	public ProductPage productPage(long id) {
		Product product = product(id);
		List<Product> related = this.products.findInStock(product.category())
			.stream()
			.filter((candidate) -> !candidate.id().equals(product.id()))
			.limit(RELATED)
			.toList();
		return new ProductPage(product, category(product.category()), related);
	}

	@Transactional
	public Product updatePrice(long id, BigDecimal price) {
		Product current = forUpdate(id);
		this.products.updatePrice(id, price);
		return current.withPrice(price);
	}

	@Transactional
	public Product updateStock(long id, int stock) {
		Product current = forUpdate(id);
		if ((current.stock() > 0) == (stock > 0)) {
			this.products.updateStock(id, current.category(), stock);
		}
		else {
			this.products.updateStockAndAvailability(id, current.category(), stock);
		}
		return current.withStock(stock);
	}

	/**
	 * Moves a product to another category.
	 * @param id the product
	 * @param categoryId the category it moves to
	 * @return the moved product
	 */
	@Transactional
	public Product move(long id, String categoryId) {
		Product current = forUpdate(id);
		category(categoryId);
		if (current.category().equals(categoryId)) {
			return current;
		}
		this.products.moveToCategory(id, current.category(), categoryId);
		return current.inCategory(categoryId);
	}

	/**
	 * Changes every price of a category by a percentage.
	 * @param categoryId the category
	 * @param percent the change, such as {@code 10} for 10% more or {@code -5} for 5%
	 * less
	 * @return how many products changed
	 */
	@Transactional
	public int adjustPrices(String categoryId, BigDecimal percent) {
		category(categoryId);
		BigDecimal factor = BigDecimal.ONE.add(percent.movePointLeft(2)).setScale(6, RoundingMode.HALF_UP);
		return this.products.adjustPrices(categoryId, factor);
	}

	@Transactional
	public Product create(String name, String categoryId, BigDecimal price, int stock) {
		category(categoryId);
		return this.products.save(new Product(null, name, categoryId, price, stock, 0));
	}

	private Product forUpdate(long id) {
		return this.products.findForUpdateById(id).orElseThrow(() -> new NotFoundException("No product with id " + id));
	}

	/**
	 * One page of a category.
	 *
	 * @param category the category
	 * @param page the page, from 0
	 * @param size the page size
	 * @param products the products on the page
	 */
	public record CategoryPage(Category category, int page, int size, List<Product> products) {
	}

	/**
	 * What a product page shows.
	 *
	 * @param product the product
	 * @param category its category
	 * @param related other products of the category in stock, by id
	 */
	public record ProductPage(Product product, Category category, List<Product> related) {
	}

}
