package io.tiercache.sample;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample end to end: HTTP, tiercache, Redis (embedded unless configured) and H2.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class CatalogIntegrationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.shared();

	@LocalServerPort
	private int port;

	@Test
	void getsTheSameProductTwice() throws Exception {
		HttpResponse<String> first = get("/products/1");
		HttpResponse<String> second = get("/products/1");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(second.statusCode()).isEqualTo(200);
		JsonNode product = this.json.readTree(first.body());
		assertThat(product.get("id").asLong()).isEqualTo(1);
		assertThat(product.get("name").asString()).isEqualTo("Espresso beans, 1 kg");
		assertThat(product.get("category").asString()).isEqualTo("coffee");
		assertThat(this.json.readTree(second.body())).isEqualTo(product);
	}

	@Test
	void answers404ForAnUnknownProduct() throws Exception {
		assertThat(get("/products/424242").statusCode()).isEqualTo(404);
	}

	@Test
	void listsACategoryPageByPage() throws Exception {
		JsonNode first = this.json.readTree(get("/categories/kitchen/products?page=0&size=10").body());
		JsonNode second = this.json.readTree(get("/categories/kitchen/products?page=1&size=10").body());
		assertThat(first.at("/category/name").asString()).isEqualTo("Kitchen");
		assertThat(first.get("products").size()).isEqualTo(10);
		assertThat(second.get("products").size()).isEqualTo(8);
		assertThat(first.get("products").get(0).get("id").asLong()).isEqualTo(13);
		assertThat(second.get("products").get(0).get("id").asLong()).isEqualTo(23);
		assertThat(get("/categories/kitchen/products?size=51").statusCode()).isEqualTo(400);
		assertThat(get("/categories/garden/products").statusCode()).isEqualTo(404);
	}

	@Test
	void listsTheCategories() throws Exception {
		JsonNode categories = this.json.readTree(get("/categories").body());
		assertThat(categories.valueStream().map((category) -> category.get("id").asString())).containsExactly("books",
				"coffee", "kitchen", "outdoor", "tea", "tools");
	}

	@Test
	void searchesByNameIgnoringCaseAndLikeWildcards() throws Exception {
		JsonNode found = this.json.readTree(get("/products?q=TEA").body());
		assertThat(found.valueStream().map((product) -> product.get("name").asString())).contains("Teapot, 1 l",
				"Tea infuser", "Tea towels, set of 4");
		assertThat(this.json.readTree(get("/products?q=%25").body()).size()).as("%% is not a wildcard").isZero();
	}

	@Test
	void assemblesAProductPageFromItsCachedParts() throws Exception {
		JsonNode page = this.json.readTree(get("/products/31/page").body());
		assertThat(page.at("/product/id").asLong()).isEqualTo(31);
		assertThat(page.at("/category/id").asString()).isEqualTo("outdoor");
		assertThat(page.get("related").size()).isEqualTo(5);
		assertThat(page.get("related").valueStream()).allSatisfy((product) -> {
			assertThat(product.get("category").asString()).isEqualTo("outdoor");
			assertThat(product.get("id").asLong()).isNotEqualTo(31);
		});
	}

	@Test
	void readsTheNewPriceAfterAnUpdate() throws Exception {
		JsonNode before = this.json.readTree(get("/products/12").body());
		JsonNode booksBefore = this.json.readTree(get("/categories/books/products").body());
		assertThat(booksBefore.get("products").size()).isEqualTo(4);
		BigDecimal newPrice = before.get("price").decimalValue().add(new BigDecimal("1.25"));

		HttpResponse<String> put = put("/products/12/price", "{\"price\": " + newPrice.toPlainString() + "}");
		assertThat(put.statusCode()).isEqualTo(200);
		JsonNode updated = this.json.readTree(put.body());
		assertThat(updated.get("price").decimalValue()).isEqualByComparingTo(newPrice);
		assertThat(updated.get("version").asLong()).isEqualTo(before.get("version").asLong() + 1);

		JsonNode after = this.json.readTree(get("/products/12").body());
		assertThat(after.get("price").decimalValue()).isEqualByComparingTo(newPrice);
		assertThat(after.get("version").asLong()).isEqualTo(updated.get("version").asLong());
		JsonNode books = this.json.readTree(get("/categories/books/products").body()).get("products");
		assertThat(books.valueStream().filter((product) -> product.get("id").asLong() == 12)).singleElement()
			.satisfies((product) -> assertThat(product.get("price").decimalValue()).isEqualByComparingTo(newPrice));
	}

	@Test
	void rejectsWritesOfUnknownThingsAndBadValues() throws Exception {
		assertThat(put("/products/424242/price", "{\"price\": 1}").statusCode()).isEqualTo(404);
		assertThat(put("/products/1/category", "{\"category\": \"garden\"}").statusCode()).isEqualTo(404);
		assertThat(put("/products/1/stock", "{\"stock\": -1}").statusCode()).isEqualTo(400);
		assertThat(post("/categories/tea/prices", "{\"percent\": -100}").statusCode()).isEqualTo(400);
		assertThat(post("/products", "{\"name\": \" \", \"category\": \"tea\", \"price\": 1}").statusCode())
			.isEqualTo(400);
	}

	@Test
	void rejectsANegativePrice() throws Exception {
		assertThat(put("/products/1/price", "{\"price\": -1}").statusCode()).isEqualTo(400);
	}

	@Test
	void exposesPrometheusMetrics() throws Exception {
		HttpResponse<String> response = get("/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("jvm_memory_used_bytes");
	}

	@Test
	void isHealthyWithRedis() throws Exception {
		HttpResponse<String> response = get("/actuator/health");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode health = this.json.readTree(response.body());
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/redis/status").asString()).isEqualTo("UP");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	private HttpResponse<String> put(String path, String body) throws Exception {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
