package io.tiercache.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tiercache.cache.TierCacheOperations;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees and does, over HTTP, on instances of the sample sharing one real
 * Redis: the meters at {@code /actuator/prometheus}, the {@code tiercache} endpoint and
 * the {@code tiercache} health indicator.
 */
class OperabilityIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.embedded();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@AfterEach
	void stopInstances() {
		this.instances.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void prometheusShowsEveryMeterWithTheValuesOfAScriptedSequence() throws Exception {
		ConfigurableApplicationContext app = start();
		Scrape before = scrape(app);

		assertThat(get(app, "/products/1").statusCode()).isEqualTo(200); // miss, loaded,
																			// put
		get(app, "/products/1"); // local hit
		get(app, "/products/2"); // miss, loaded, put
		get(app, "/categories/coffee/products"); // miss, loaded, put
		get(app, "/categories/coffee/products"); // local hit
		// one invalidation, of product:1
		assertThat(put(app, "/products/1/price", "{\"price\": 25.50}").statusCode()).isEqualTo(200);
		get(app, "/products/1"); // local entry invalidated, Redis entry too: loaded, put
		app.getBean(TierCacheOperations.class).clearLocal(); // the forced clear
		get(app, "/products/2"); // local miss, Redis hit
		get(app, "/products/2"); // local hit
		get(app, "/products/1"); // local miss, Redis hit
		// Our own message comes back through the channel, as every other instance's does
		await().atMost(WAIT).until(() -> scrape(app).delta(before, "tiercache_invalidations_received_total") == 1);

		Scrape after = scrape(app);
		assertThat(after.delta(before, "cache_gets_total", "cache", "products", "cache_manager", "tiercache", "result",
				"hit"))
			.isEqualTo(4);
		assertThat(after.delta(before, "cache_gets_total", "cache", "products", "result", "miss")).isEqualTo(3);
		assertThat(after.delta(before, "cache_puts_total", "cache", "products")).isEqualTo(3);
		assertThat(after.value("cache_size", "cache", "products", "cache_manager", "tiercache")).isEqualTo(2);
		assertThat(after.value("cache_evictions_total", "cache", "products")).isZero();
		assertThat(after.delta(before, "tiercache_gets_total", "cache", "products", "tier", "local", "result", "hit"))
			.isEqualTo(2);
		assertThat(after.delta(before, "tiercache_gets_total", "cache", "products", "tier", "local", "result", "miss"))
			.isEqualTo(4);
		assertThat(
				after.delta(before, "tiercache_gets_total", "cache", "products", "tier", "local", "result", "invalid"))
			.isEqualTo(1);
		assertThat(after.delta(before, "tiercache_gets_total", "cache", "products", "tier", "remote", "result", "hit"))
			.isEqualTo(2);
		assertThat(after.delta(before, "tiercache_gets_total", "cache", "products", "tier", "remote", "result", "miss"))
			.isEqualTo(3);
		assertThat(after.delta(before, "tiercache_loads_seconds_count", "cache", "products", "result", "success"))
			.isEqualTo(3);
		assertThat(after.delta(before, "tiercache_loads_seconds_count", "cache", "products", "result", "failure"))
			.isZero();
		assertThat(after.delta(before, "cache_gets_total", "cache", "category-page", "result", "hit")).isEqualTo(1);
		assertThat(after.delta(before, "cache_gets_total", "cache", "category-page", "result", "miss")).isEqualTo(1);
		assertThat(after.value("cache_size", "cache", "category-page")).as("cleared").isZero();
		assertThat(after.delta(before, "tiercache_invalidations_published_total")).isEqualTo(1);
		assertThat(after.delta(before, "tiercache_invalidations_received_total")).isEqualTo(1);
		assertThat(after.delta(before, "tiercache_invalidations_failed_total")).isZero();
		assertThat(after.delta(before, "tiercache_invalidations_retried_total")).isZero();
		assertThat(after.delta(before, "tiercache_invalidations_lag_seconds_count")).isEqualTo(1);
		assertThat(after.names()).as("the lag has histogram buckets for Prometheus")
			.contains("tiercache_invalidations_lag_seconds_bucket");
		assertThat(after.delta(before, "tiercache_local_clears_total", "reason", "manual")).isEqualTo(1);
		assertThat(after.delta(before, "tiercache_local_clears_total", "reason", "gap")).isZero();
		assertThat(after.delta(before, "tiercache_local_clears_total", "reason", "epoch")).isZero();
		assertThat(after.value("tiercache_local_clears_total", "reason", "disconnect")).isNotNull();
		assertThat(after.value("tiercache_subscription_confirmed")).isEqualTo(1);
		assertThat(after.value("tiercache_local_trusted")).isEqualTo(1);
		for (String operation : List.of("read", "write", "invalidate", "sequence")) {
			assertThat(after.value("tiercache_redis_errors_total", "operation", operation)).as(operation).isZero();
		}
		for (String reason : List.of("condition", "unserializable", "stale", "unavailable")) {
			assertThat(after.value("tiercache_values_not_cached_total", "cache", "products", "reason", reason))
				.as(reason)
				.isZero();
		}
		assertThat(after.value("tiercache_subscription_stalls_total")).isZero();
		assertThat(after.value("tiercache_invalidations_malformed_total")).isZero();
		assertDashboardQueriesOnlyScrapedMeters(after);
	}

	/** Every meter docs/grafana-dashboard.json queries is scraped. */
	private static void assertDashboardQueriesOnlyScrapedMeters(Scrape scrape) throws Exception {
		String dashboard = Files.readString(Path.of("../docs/grafana-dashboard.json"));
		Matcher meter = Pattern.compile("\\b((?:tiercache|cache)_[a-z_]+)\\{").matcher(dashboard);
		List<String> queried = new ArrayList<>();
		while (meter.find()) {
			queried.add(meter.group(1));
		}
		assertThat(queried).hasSizeGreaterThan(20);
		assertThat(queried).allSatisfy((name) -> assertThat(scrape.names()).contains(name));
	}

	@Test
	void endpointInvalidatesATagInAnotherInstancesLocalTier() throws Exception {
		ConfigurableApplicationContext a = start();
		ConfigurableApplicationContext b = start();
		get(b, "/products/3");
		get(b, "/products/4");
		Scrape before = scrape(b);
		get(b, "/products/3");
		assertThat(
				scrape(b).delta(before, "tiercache_gets_total", "cache", "products", "tier", "local", "result", "hit"))
			.isEqualTo(1);

		HttpResponse<String> response = post(a, "/actuator/tiercache", "{\"tags\": \"product:3\"}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(JsonMapper.shared().readTree(response.body()).get("invalidated").get(0).asString())
			.isEqualTo("product:3");

		await().atMost(WAIT).until(() -> scrape(b).delta(before, "tiercache_invalidations_received_total") == 1);
		get(b, "/products/3");
		get(b, "/products/4");
		Scrape after = scrape(b);
		assertThat(
				after.delta(before, "tiercache_gets_total", "cache", "products", "tier", "local", "result", "invalid"))
			.as("product 3 was dropped from b's local tier")
			.isEqualTo(1);
		assertThat(after.delta(before, "tiercache_gets_total", "cache", "products", "tier", "local", "result", "hit"))
			.as("product 3 once before, product 4 after")
			.isEqualTo(2);

		JsonNode caches = JsonMapper.shared().readTree(get(b, "/actuator/tiercache").body());
		assertThat(caches.get("subscriptionConfirmed").asBoolean()).isTrue();
		assertThat(caches.get("caches").get("products").get("ttl").asString()).isEqualTo("PT10M");
		assertThat(get(b, "/actuator/tiercache/unknown").statusCode()).isEqualTo(404);
		// a never used the cache; clearing it from there still reaches b
		assertThat(delete(a, "/actuator/tiercache/products").statusCode()).isEqualTo(200);
		await().atMost(WAIT).until(() -> scrape(b).delta(before, "tiercache_invalidations_received_total") == 2);
		get(b, "/products/4");
		assertThat(scrape(b).delta(before, "tiercache_gets_total", "cache", "products", "tier", "local", "result",
				"invalid"))
			.as("product 4 was dropped too")
			.isEqualTo(2);

		JsonNode products = JsonMapper.shared().readTree(get(a, "/actuator/tiercache/products").body());
		assertThat(products.get("used").asBoolean()).as("declared by a's repository, never used there").isFalse();
		assertThat(products.has("staleWhileRevalidate")).isTrue();
		assertThat(products.has("nullTtl")).isTrue();
		assertThat(JsonMapper.shared().readTree(get(b, "/actuator/tiercache/products").body()).get("hits").asLong())
			.isPositive();
		// A misspelt cache is refused, as GET answers 404, and publishes nothing
		HttpResponse<String> misspelt = delete(a, "/actuator/tiercache/prodcuts");
		assertThat(misspelt.statusCode()).as(misspelt.body()).isEqualTo(400);
		// Several tags in one string; blanks and repeats dropped
		HttpResponse<String> several = post(a, "/actuator/tiercache",
				"{\"tags\": \"product:4, category:9,,product:4\"}");
		assertThat(several.statusCode()).as(several.body()).isEqualTo(200);
		assertThat(JsonMapper.shared().readTree(several.body()).get("invalidated").size()).isEqualTo(2);
		await().atMost(WAIT).until(() -> scrape(b).delta(before, "tiercache_invalidations_received_total") == 3);
		// A JSON array, each element one whole tag, also alone
		HttpResponse<String> array = post(a, "/actuator/tiercache", "{\"tags\": [\"product:4\", \"category:9\"]}");
		assertThat(array.statusCode()).as(array.body()).isEqualTo(200);
		JsonNode arrayed = JsonMapper.shared().readTree(array.body()).get("invalidated");
		assertThat(arrayed.size()).isEqualTo(2);
		assertThat(arrayed.get(0).asString()).isEqualTo("product:4");
		assertThat(arrayed.get(1).asString()).isEqualTo("category:9");
		HttpResponse<String> alone = post(a, "/actuator/tiercache", "{\"tags\": [\"shelf:a,b\"]}");
		assertThat(alone.statusCode()).as(alone.body()).isEqualTo(200);
		assertThat(JsonMapper.shared().readTree(alone.body()).get("invalidated").size()).isEqualTo(1);
		assertThat(JsonMapper.shared().readTree(alone.body()).get("invalidated").get(0).asString())
			.isEqualTo("shelf:a,b");
		assertThat(post(a, "/actuator/tiercache", "{\"tags\": [{\"nested\": 1}]}").statusCode())
			.as("an array of anything but tags is still refused")
			.isEqualTo(400);
		// Repeated query parameters, each one whole tag
		HttpResponse<String> listed = send(
				HttpRequest.newBuilder(uri(a, "/actuator/tiercache?tags=product:4&tags=shelf:a,b"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
		JsonNode invalidated = JsonMapper.shared().readTree(listed.body()).get("invalidated");
		assertThat(invalidated.size()).isEqualTo(2);
		assertThat(invalidated.get(0).asString()).isEqualTo("product:4");
		assertThat(invalidated.get(1).asString()).isEqualTo("shelf:a,b");
	}

	@Test
	void endpointIsNotOnTheWebUnlessExposed() throws Exception {
		ConfigurableApplicationContext hidden = start("--management.endpoints.web.exposure.include=health,prometheus");
		assertThat(get(hidden, "/actuator/tiercache").statusCode()).isEqualTo(404);
		assertThat(post(hidden, "/actuator/tiercache", "{\"tags\": \"product:1\"}").statusCode()).isEqualTo(404);
		assertThat(get(hidden, "/actuator/health/tiercache").statusCode()).isEqualTo(200);
	}

	@Test
	void healthGoesDownWhenRedisStopsAndUpWhenItReturnsWhileTheApplicationServes() throws Exception {
		ConfigurableApplicationContext app = start("--spring.data.redis.timeout=200ms",
				"--tiercache.redis.breaker.open-duration=200ms", "--tiercache.fanout.check-interval=100ms");
		get(app, "/products/1");
		HttpResponse<String> up = get(app, "/actuator/health/tiercache");
		assertThat(up.statusCode()).isEqualTo(200);
		JsonNode details = JsonMapper.shared().readTree(up.body()).get("details");
		assertThat(details.get("subscriptionConfirmed").asBoolean()).isTrue();
		assertThat(details.get("localTrusted").asBoolean()).isTrue();
		assertThat(details.has("epoch") && details.has("lastSequenceSeen") && details.has("lag")).isTrue();

		redis.stop();
		try {
			await().atMost(WAIT).until(() -> get(app, "/actuator/health/tiercache").statusCode() == 503);
			assertThat(status(get(app, "/actuator/health/tiercache"))).isEqualTo("DOWN");
			assertThat(get(app, "/actuator/health/readiness").statusCode()).as("readiness is not affected")
				.isEqualTo(200);
			HttpResponse<String> product = get(app, "/products/7");
			assertThat(product.statusCode()).as("still serving").isEqualTo(200);
			assertThat(JsonMapper.shared().readTree(product.body()).get("name").asString())
				.isEqualTo("Screwdriver set");
		}
		finally {
			redis.start();
		}
		await().atMost(WAIT).until(() -> get(app, "/actuator/health/tiercache").statusCode() == 200);
		assertThat(status(get(app, "/actuator/health/tiercache"))).isEqualTo("UP");
	}

	private ConfigurableApplicationContext start(String... extra) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--sample.embedded-redis.enabled=false",
				"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
				"--spring.datasource.url=jdbc:h2:mem:operability-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"--management.endpoint.health.probes.enabled=true"));
		args.addAll(List.of(extra));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run(args.toArray(String[]::new));
		this.instances.add(context);
		return context;
	}

	private String status(HttpResponse<String> response) {
		return JsonMapper.shared().readTree(response.body()).get("status").asString();
	}

	private Scrape scrape(ConfigurableApplicationContext app) throws Exception {
		HttpResponse<String> response = get(app, "/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		return new Scrape(response.body());
	}

	private HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(app, path)).GET());
	}

	private HttpResponse<String> put(ConfigurableApplicationContext app, String path, String json) throws Exception {
		return send(HttpRequest.newBuilder(uri(app, path))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(json)));
	}

	private HttpResponse<String> post(ConfigurableApplicationContext app, String path, String json) throws Exception {
		return send(HttpRequest.newBuilder(uri(app, path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	private HttpResponse<String> delete(ConfigurableApplicationContext app, String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(app, path)).DELETE());
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
	}

	private static URI uri(ConfigurableApplicationContext app, String path) {
		return URI.create("http://localhost:" + app.getEnvironment().getProperty("local.server.port") + path);
	}

	/** One scrape of the Prometheus text format: sample lines by name and labels. */
	static final class Scrape {

		private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+).*$");

		private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

		private final List<Sample> samples = new ArrayList<>();

		Scrape(String text) {
			for (String line : text.split("\n")) {
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				Matcher matcher = LINE.matcher(line);
				if (!matcher.matches()) {
					continue;
				}
				Map<String, String> labels = new LinkedHashMap<>();
				if (matcher.group(3) != null) {
					Matcher label = LABEL.matcher(matcher.group(3));
					while (label.find()) {
						labels.put(label.group(1), label.group(2));
					}
				}
				this.samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(4))));
			}
		}

		List<String> names() {
			return this.samples.stream().map(Sample::name).distinct().toList();
		}

		/**
		 * The value of the one sample of a name with the given labels (and any others).
		 */
		Double value(String name, String... labels) {
			List<Sample> matching = this.samples.stream()
				.filter((sample) -> sample.name().equals(name) && sample.has(labels))
				.toList();
			assertThat(matching).as("samples of %s %s", name, List.of(labels)).hasSize(1);
			return matching.get(0).value();
		}

		/**
		 * The increase since an earlier scrape, in which a meter not registered yet
		 * counts as 0.
		 */
		double delta(Scrape before, String name, String... labels) {
			boolean existedBefore = before.samples.stream()
				.anyMatch((sample) -> sample.name().equals(name) && sample.has(labels));
			return value(name, labels) - (existedBefore ? before.value(name, labels) : 0);
		}

	}

	record Sample(String name, Map<String, String> labels, double value) {

		boolean has(String... pairs) {
			for (int i = 0; i < pairs.length; i += 2) {
				if (!pairs[i + 1].equals(this.labels.get(pairs[i]))) {
					return false;
				}
			}
			return true;
		}

	}

}
