package io.tiercache.sample;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the sample on random ports, sharing one real Redis and one database
 * (the H2 file in mixed mode, as the sample runs by default): every kind of write made
 * over HTTP on instance A is served by instance B, whose own local tier held the old
 * value, within the delivery of the invalidation.
 * <p>
 * Each check first reads on B twice, so that B serves the value from its local tier, and
 * asserts that it did: without the invalidation reaching B, B would go on serving it
 * until its time to live.
 */
class TwoInstancesEndToEndTests {

	/** Far above a delivery on loopback, far below any time to live of the sample. */
	private static final Duration DELIVERY = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.embedded();

	@TempDir
	static Path database;

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper json = JsonMapper.shared();

	private static ConfigurableApplicationContext a;

	private static ConfigurableApplicationContext b;

	@BeforeAll
	static void startTwoInstances() {
		String url = "jdbc:h2:file:" + database.resolve("catalog") + ";AUTO_SERVER=TRUE";
		a = start(url);
		b = start(url);
	}

	@AfterAll
	static void stopInstances() {
		Stream.of(b, a).filter((instance) -> instance != null).forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aPriceChangeOnAIsServedByBInEveryViewOfTheProduct() throws Exception {
		JsonNode before = warm(b, "/products/2");
		warm(b, "/categories/coffee/products");
		warm(b, "/products?q=filter");
		warm(b, "/products/1/page");
		BigDecimal price = before.get("price").decimalValue().add(new BigDecimal("1.10"));

		assertThat(send(a, "PUT", "/products/2/price", "{\"price\": " + price + "}").statusCode()).isEqualTo(200);

		awaitOn(b, "/products/2", (product) -> hasPrice(product, price));
		awaitOn(b, "/categories/coffee/products", (page) -> hasPrice(find(page.get("products"), 2), price));
		awaitOn(b, "/products?q=filter", (found) -> hasPrice(find(found, 2), price));
		awaitOn(b, "/products/1/page", (page) -> hasPrice(find(page.get("related"), 2), price));
	}

	@Test
	void aStockChangeOnAIsServedByB() throws Exception {
		JsonNode before = warm(b, "/products/5");
		warm(b, "/categories/tools/products");
		int stock = before.get("stock").asInt() + 17;

		assertThat(send(a, "PUT", "/products/5/stock", "{\"stock\": " + stock + "}").statusCode()).isEqualTo(200);

		awaitOn(b, "/products/5", (product) -> product.get("stock").asInt() == stock);
		awaitOn(b, "/categories/tools/products", (page) -> find(page.get("products"), 5).get("stock").asInt() == stock);
	}

	@Test
	void aProductSellingOutAndComingBackIntoStockOnAIsServedByBInTheRelatedProducts() throws Exception {
		long product = 32;
		assertThat(find(warm(b, "/products/40/page").get("related"), product)).as("shown while in stock").isNotNull();

		assertThat(send(a, "PUT", "/products/" + product + "/stock", "{\"stock\": 0}").statusCode()).isEqualTo(200);
		awaitOn(b, "/products/40/page", (page) -> find(page.get("related"), product) == null);

		assertThat(send(a, "PUT", "/products/" + product + "/stock", "{\"stock\": 7}").statusCode()).isEqualTo(200);
		awaitOn(b, "/products/40/page", (page) -> find(page.get("related"), product) != null);
	}

	@Test
	void aMoveOnAIsServedByBInBothCategories() throws Exception {
		warm(b, "/products/13");
		warm(b, "/categories/kitchen/products?size=50");
		warm(b, "/categories/outdoor/products?size=50");

		assertThat(send(a, "PUT", "/products/13/category", "{\"category\": \"outdoor\"}").statusCode()).isEqualTo(200);

		awaitOn(b, "/products/13", (product) -> product.get("category").asString().equals("outdoor"));
		awaitOn(b, "/categories/kitchen/products?size=50", (page) -> find(page.get("products"), 13) == null);
		awaitOn(b, "/categories/outdoor/products?size=50", (page) -> find(page.get("products"), 13) != null);
	}

	@Test
	void aPriceChangeOfAWholeCategoryOnAIsServedByB() throws Exception {
		JsonNode before = warm(b, "/products/49");
		warm(b, "/categories/tea/products");
		BigDecimal price = before.get("price")
			.decimalValue()
			.multiply(new BigDecimal("1.10"))
			.setScale(2, java.math.RoundingMode.HALF_UP);

		HttpResponse<String> adjusted = send(a, "POST", "/categories/tea/prices", "{\"percent\": 10}");
		assertThat(adjusted.statusCode()).isEqualTo(200);
		assertThat(json.readTree(adjusted.body()).get("updated").asInt()).isEqualTo(12);

		awaitOn(b, "/products/49", (product) -> hasPrice(product, price));
		awaitOn(b, "/categories/tea/products", (page) -> hasPrice(find(page.get("products"), 49), price));
	}

	@Test
	void aNewProductOnAIsServedByBWhereBHadCachedItsAbsence() throws Exception {
		// The first id the database gives: B remembers that it does not exist yet.
		assertThat(get(b, "/products/1000").statusCode()).isEqualTo(404);
		warm(b, "/products?q=kettle");
		warm(b, "/categories/books/products");

		HttpResponse<String> created = send(a, "POST", "/products",
				"{\"name\": \"Gooseneck kettle\", \"category\": \"books\", \"price\": 49.00, \"stock\": 3}");
		assertThat(created.statusCode()).isEqualTo(201);
		long id = json.readTree(created.body()).get("id").asLong();
		assertThat(id).isEqualTo(1000);

		awaitOn(b, "/products/1000", (product) -> product.get("name").asString().equals("Gooseneck kettle"));
		awaitOn(b, "/products?q=kettle", (found) -> find(found, id) != null);
		awaitOn(b, "/categories/books/products", (page) -> find(page.get("products"), id) != null);
	}

	/**
	 * Read twice on an instance, and check that the second read was served by its local
	 * tier: the state the invalidation must then reach.
	 */
	private static JsonNode warm(ConfigurableApplicationContext instance, String path) throws Exception {
		HttpResponse<String> first = get(instance, path);
		assertThat(first.statusCode()).as(path).isEqualTo(200);
		double hits = localHits(instance);
		HttpResponse<String> second = get(instance, path);
		assertThat(second.body()).isEqualTo(first.body());
		assertThat(localHits(instance)).as("%s served by the local tier", path).isGreaterThan(hits);
		return json.readTree(first.body());
	}

	private static void awaitOn(ConfigurableApplicationContext instance, String path, Predicate<JsonNode> fresh) {
		await().atMost(DELIVERY).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
			HttpResponse<String> response = get(instance, path);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(fresh.test(json.readTree(response.body()))).as("%s on B: %s", path, response.body()).isTrue();
		});
	}

	private static double localHits(ConfigurableApplicationContext instance) {
		return instance.getBean(MeterRegistry.class)
			.find("tiercache.gets")
			.tags("tier", "local", "result", "hit")
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private static boolean hasPrice(JsonNode product, BigDecimal price) {
		return product != null && product.get("price").decimalValue().compareTo(price) == 0;
	}

	private static JsonNode find(JsonNode products, long id) {
		for (JsonNode product : products) {
			if (product.get("id").asLong() == id) {
				return product;
			}
		}
		return null;
	}

	private static HttpResponse<String> get(ConfigurableApplicationContext instance, String path) throws Exception {
		return send(instance, "GET", path, null);
	}

	private static HttpResponse<String> send(ConfigurableApplicationContext instance, String method, String path,
			String body) throws Exception {
		int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		return http.send(request.build(), BodyHandlers.ofString());
	}

	private static ConfigurableApplicationContext start(String database) {
		List<String> args = new ArrayList<>(
				List.of("--server.port=0", "--spring.datasource.url=" + database, "--spring.main.banner-mode=off"));
		Stream.of(redis.springProperties()).map((property) -> "--" + property).forEach(args::add);
		return new SpringApplicationBuilder(SampleApplication.class).run(args.toArray(String[]::new));
	}

}
