package io.tiercache.sample;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.tiercache.sample.CatalogService.CategoryPage;
import io.tiercache.sample.CatalogService.ProductPage;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * REST access to the catalog.
 */
@RestController
class CatalogController {

	private final CatalogService catalog;

	CatalogController(CatalogService catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/products/{id}")
	Product product(@PathVariable long id) {
		return this.catalog.product(id);
	}

	@GetMapping("/products/{id}/page")
	ProductPage productPage(@PathVariable long id) {
		return this.catalog.productPage(id);
	}

	@GetMapping("/products")
	List<Product> search(@RequestParam String q) {
		return this.catalog.search(q);
	}

	@GetMapping("/categories")
	List<Category> categories() {
		return this.catalog.categories();
	}

	@GetMapping("/categories/{id}/products")
	CategoryPage categoryPage(@PathVariable String id, @RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "20") int size) {
		return this.catalog.categoryPage(id, page, size);
	}

	@PutMapping("/products/{id}/price")
	Product updatePrice(@PathVariable long id, @RequestBody PriceChange change) {
		require(change.price() != null && change.price().signum() >= 0, "price must be zero or more");
		return this.catalog.updatePrice(id, change.price());
	}

	@PutMapping("/products/{id}/stock")
	Product updateStock(@PathVariable long id, @RequestBody StockChange change) {
		require(change.stock() != null && change.stock() >= 0, "stock must be zero or more");
		return this.catalog.updateStock(id, change.stock());
	}

	@PutMapping("/products/{id}/category")
	Product move(@PathVariable long id, @RequestBody CategoryChange change) {
		require(change.category() != null && !change.category().isBlank(), "category is required");
		return this.catalog.move(id, change.category());
	}

	@PostMapping("/categories/{id}/prices")
	Map<String, Integer> adjustPrices(@PathVariable String id, @RequestBody PriceAdjustment adjustment) {
		require(adjustment.percent() != null && adjustment.percent().compareTo(BigDecimal.valueOf(-100)) > 0,
				"percent must be more than -100");
		return Map.of("updated", this.catalog.adjustPrices(id, adjustment.percent()));
	}

	@PostMapping("/products")
	@ResponseStatus(HttpStatus.CREATED)
	Product create(@RequestBody NewProduct product) {
		require(product.name() != null && !product.name().isBlank(), "name is required");
		require(product.category() != null, "category is required");
		require(product.price() != null && product.price().signum() >= 0, "price must be zero or more");
		require(product.stock() >= 0, "stock must be zero or more");
		return this.catalog.create(product.name().strip(), product.category(), product.price(), product.stock());
	}

	@ExceptionHandler(IllegalArgumentException.class)
	@ResponseStatus(HttpStatus.BAD_REQUEST)
	Map<String, String> badRequest(IllegalArgumentException ex) {
		return Map.of("error", String.valueOf(ex.getMessage()));
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	/** Body of {@code PUT /products/{id}/price}. @param price the new price */
	record PriceChange(BigDecimal price) {
	}

	/** Body of {@code PUT /products/{id}/stock}. @param stock the new stock */
	record StockChange(Integer stock) {
	}

	/** Body of {@code PUT /products/{id}/category}. @param category the new category */
	record CategoryChange(String category) {
	}

	/**
	 * Body of {@code POST /categories/{id}/prices}.
	 *
	 * @param percent the change of every price, such as {@code 10} or {@code -5}
	 */
	record PriceAdjustment(BigDecimal percent) {
	}

	/**
	 * Body of {@code POST /products}.
	 *
	 * @param name the name
	 * @param category the category
	 * @param price the price
	 * @param stock the stock
	 */
	record NewProduct(String name, String category, BigDecimal price, int stock) {
	}

}
