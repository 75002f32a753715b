package io.tiercache.sample;

import java.math.BigDecimal;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * REST access to the catalog.
 */
@RestController
@RequestMapping("/products")
class CatalogController {

	private final CatalogService catalog;

	CatalogController(CatalogService catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/{id}")
	Product product(@PathVariable long id) {
		return this.catalog.product(id);
	}

	@GetMapping
	List<Product> byCategory(@RequestParam String category) {
		return this.catalog.byCategory(category);
	}

	@PutMapping("/{id}/price")
	Product updatePrice(@PathVariable long id, @RequestBody PriceChange change) {
		if (change.price() == null || change.price().signum() < 0) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "price must be zero or more");
		}
		return this.catalog.updatePrice(id, change.price());
	}

	/**
	 * Body of {@code PUT /products/{id}/price}.
	 *
	 * @param price the new price
	 */
	record PriceChange(BigDecimal price) {
	}

}
