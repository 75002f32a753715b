package io.tiercache.benchmarks.load;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.tiercache.test.EmbeddedRedis;

/**
 * Drives the sample application, two instances of it in processes of their own behind a
 * round-robin "load balancer", with a shop's mix of requests, and prints one line per
 * variant: tiercache, no cache ({@code tiercache.enabled=false}), and Spring's
 * {@code @Cacheable} over {@code RedisCacheManager} (the sample's {@code spring-cache}
 * profile). Each variant gets a fresh database and a fresh Redis, one warm-up, then one
 * measured period.
 * <p>
 * The catalog is first grown to {@value #CATALOG} products through the application's own
 * {@code POST /products}. The mix: 90% reads (45% product, 20% product page, 15% category
 * page, 10% search) and 10% writes (6% price, 3.69% stock, 0.2% move, 0.01% price change
 * of a whole category, 0.1% new product: the changes that touch many entries are the rare
 * ones, as in a shop's back office; even so, a whole category repriced every few seconds
 * is far more often than any shop does). What is read is drawn from Zipf distributions (a
 * few products, categories and search terms get most of the traffic); what is written is
 * drawn uniformly from the catalog. Before the warm-up, every product and the first two
 * pages of every category are read once on each instance, as a service that has been up
 * for a while has them cached.
 * <p>
 * Run from the repository root, after
 * {@code ./mvnw -B -q -pl sample-app,benchmarks -am package -DskipTests}:
 * {@code java -cp benchmarks/target/benchmarks.jar io.tiercache.benchmarks.load.CatalogLoad [duration s, 60] [warm-up s, 20] [clients, 16]}.
 * With {@code -Drate=200}, requests are sent at that fixed pace instead of by clients
 * waiting for their answers, so every variant serves the same load and latencies count
 * the time a request waited to be sent; {@code -Dvariants=tiercache} runs only the
 * variants whose names start so. With {@code -Ddashboard=docs/sample-dashboard.png}, the
 * tiercache variant's meters are scraped every second and drawn as the panels of the
 * Grafana dashboard ({@link DashboardRenderer}).
 */
public final class CatalogLoad {

	private static final List<String> CATEGORIES = List.of("books", "coffee", "kitchen", "outdoor", "tea", "tools");

	private static final List<String> TERMS = List.of("tea", "coffee", "set", "camp", "pot", "kit", "bag", "the",
			"chef", "grinder", "drill", "mat", "bottle", "box", "oak", "java");

	/**
	 * Percent of requests that change every price of a category
	 * ({@code -Dcategory-price-changes}, 0.01 by default); the stock changes make up the
	 * difference, so that writes stay 10%.
	 */
	private static final double CATEGORY_PRICE_CHANGES = Double
		.parseDouble(System.getProperty("category-price-changes", "0.01"));

	/**
	 * Requests per second sent at a fixed pace ({@code -Drate}), whatever the answers; 0
	 * (the default) lets every client send its next request when the previous one is
	 * answered, which measures the most each variant serves.
	 */
	private static final int RATE = Integer.getInteger("rate", 0);

	/**
	 * The variants to run ({@code -Dvariants}, comma-separated prefixes of their names;
	 * all by default).
	 */
	private static final List<String> VARIANTS = List.of(System.getProperty("variants", "").split(","));

	private static final int SEEDED = 60;

	private static final int CATALOG = 2000;

	private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

	private CatalogLoad() {
	}

	public static void main(String[] args) throws Exception {
		int duration = (args.length > 0) ? Integer.parseInt(args[0]) : 60;
		int warmup = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		int clients = (args.length > 2) ? Integer.parseInt(args[2]) : 16;
		Path jar = Path.of("sample-app/target/tiercache-sample-app-0.1.0-SNAPSHOT.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("No " + jar.toAbsolutePath() + ": run from the repository root after "
					+ "./mvnw -B -q -pl sample-app,benchmarks -am package -DskipTests");
		}
		Map<String, List<String>> variants = new LinkedHashMap<>();
		variants.put("tiercache", List.of());
		variants.put("no cache (tiercache.enabled=false)", List.of("--tiercache.enabled=false"));
		variants.put("Spring @Cacheable, RedisCacheManager", List.of("--spring.profiles.active=spring-cache"));
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		variants.keySet().removeIf((name) -> VARIANTS.stream().noneMatch(name::startsWith));
		List<String> rows = new ArrayList<>();
		List<String> loads = new ArrayList<>();
		for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
			try (EmbeddedRedis redis = EmbeddedRedis.start()) {
				Measured measured = run(variant.getKey(), variant.getValue(), jar, redis, http, duration, warmup,
						clients);
				rows.add(measured.row());
				if (!measured.loads().isEmpty()) {
					loads.add(variant.getKey() + ": " + measured.loads());
				}
			}
		}
		System.out.printf(Locale.ROOT, "%nCategory price changes: %.2f%% of requests%n", CATEGORY_PRICE_CHANGES);
		System.out.printf(Locale.ROOT, "%n%d s measured after %d s of warm-up, %s, 2 instances, Java %s, %d cores%n%n",
				duration, warmup, (RATE > 0) ? RATE + " requests/s at a fixed pace" : clients + " clients",
				System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
		System.out.println(
				"| variant | requests/s | p50 | p99 | database reads/s | database reads per request | database writes/s | "
						+ "local tier hit ratio | Redis hit ratio | CPU per request | errors |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
		rows.forEach(System.out::println);
		if (!loads.isEmpty()) {
			System.out.println();
			System.out.println("Calls of the cached methods per second, by cache (tiercache.loads):");
			loads.forEach(System.out::println);
		}
	}

	private record Measured(String row, String loads) {
	}

	private static Measured run(String name, List<String> arguments, Path jar, EmbeddedRedis redis, HttpClient http,
			int duration, int warmup, int clients) throws Exception {
		Path directory = Files.createTempDirectory("tiercache-load");
		List<String> common = new ArrayList<>(List.of("--sample.embedded-redis.enabled=false",
				"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
				"--spring.datasource.url=jdbc:h2:file:" + directory.resolve("catalog") + ";AUTO_SERVER=TRUE",
				"--logging.level.root=WARN", "--spring.main.banner-mode=off"));
		common.addAll(arguments);
		System.out.println("== " + name + " (logs in " + directory + ")");
		try (SampleInstance a = SampleInstance.start(jar, EmbeddedRedis.freePort(), directory.resolve("a.log"), common,
				http);
				SampleInstance b = SampleInstance.start(jar, EmbeddedRedis.freePort(), directory.resolve("b.log"),
						common, http)) {
			List<SampleInstance> instances = List.of(a, b);
			List<Long> ids = grow(a, http);
			prewarm(instances, ids, http);
			String dashboard = System.getProperty("dashboard");
			try (MetricsRecorder recorder = (dashboard != null && arguments.isEmpty())
					? new MetricsRecorder(instances, http) : null) {
				drive(instances, ids, http, clients, warmup);
				Map<String, Double> before = SampleInstance.scrape(instances, http);
				Result result = drive(instances, ids, http, clients, duration);
				Map<String, Double> after = SampleInstance.scrape(instances, http);
				if (recorder != null) {
					new DashboardRenderer(recorder.scrapes()).write(Path.of(dashboard), String.format(Locale.ROOT,
							"Two instances of the sample, %d clients, %d s warm-up then %d s measured; scraped every "
									+ "second, rates over 5 s, summed over both instances",
							clients, warmup, duration));
					System.out.println("Dashboard: " + dashboard);
				}
				Delta delta = new Delta(before, after);
				return new Measured(result.row(name, delta, duration), delta.loadsByCache(duration));
			}
		}
	}

	/**
	 * Grows the catalog to {@value #CATALOG} products, returns every id in read order.
	 */
	private static List<Long> grow(SampleInstance instance, HttpClient http) throws Exception {
		List<Long> ids = new ArrayList<>();
		for (long id = 1; id <= SEEDED; id++) {
			ids.add(id);
		}
		for (int n = SEEDED; n < CATALOG; n++) {
			String product = "{\"name\": \"" + TERMS.get(n % TERMS.size()) + " item " + n + "\", \"category\": \""
					+ CATEGORIES.get(n % CATEGORIES.size()) + "\", \"price\": " + (5 + n % 95) + ".99, \"stock\": "
					+ (n % 300) + "}";
			String body = http.send(write(instance, "POST", "/products", product), BodyHandlers.ofString()).body();
			Matcher id = ID.matcher(body);
			if (!id.find()) {
				throw new IllegalStateException("POST /products answered " + body);
			}
			ids.add(Long.parseLong(id.group(1)));
		}
		// The hottest products spread over every category, not all in the first one.
		Collections.shuffle(ids, new Random(42));
		return List.copyOf(ids);
	}

	/**
	 * Reads every product and the first category pages once on each instance, as a
	 * service that has been up for a while has: what is measured is then its steady
	 * state, not the filling of empty caches (the same for every variant).
	 */
	private static void prewarm(List<SampleInstance> instances, List<Long> ids, HttpClient http)
			throws InterruptedException {
		List<String> paths = new ArrayList<>();
		ids.forEach((id) -> paths.add("/products/" + id));
		for (String category : CATEGORIES) {
			paths.add("/categories/" + category + "/products?size=10&page=0");
			paths.add("/categories/" + category + "/products?size=10&page=1");
		}
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			int first = t;
			Thread thread = new Thread(() -> {
				for (int i = first; i < paths.size(); i += 8) {
					for (SampleInstance instance : instances) {
						try {
							http.send(get(instance, paths.get(i)), BodyHandlers.discarding());
						}
						catch (Exception ex) {
							throw new IllegalStateException("Pre-warming " + instance + " failed", ex);
						}
					}
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
	}

	private static Result drive(List<SampleInstance> instances, List<Long> ids, HttpClient http, int clients,
			int seconds) throws InterruptedException {
		return (RATE > 0) ? paced(instances, ids, http, seconds) : closedLoop(instances, ids, http, clients, seconds);
	}

	/**
	 * Sends {@link #RATE} requests a second for the given time, each at its planned
	 * moment whether or not earlier ones were answered, as users arriving independently
	 * do. Each latency runs from that planned moment, so that a stall counts against
	 * every request it held up, not only against the one it hit.
	 */
	private static Result paced(List<SampleInstance> instances, List<Long> ids, HttpClient http, int seconds)
			throws InterruptedException {
		int total = RATE * seconds;
		long interval = Duration.ofSeconds(1).toNanos() / RATE;
		long[] latencies = new long[total];
		AtomicLong errors = new AtomicLong();
		AtomicLong created = new AtomicLong();
		Zipf products = new Zipf(ids.size(), 1.0);
		Zipf categories = new Zipf(CATEGORIES.size(), 1.0);
		Zipf terms = new Zipf(TERMS.size(), 1.0);
		CountDownLatch answered = new CountDownLatch(total);
		long start = System.nanoTime();
		for (int n = 0; n < total; n++) {
			long planned = start + n * interval;
			long wait = planned - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			HttpRequest request = request(instances.get(n % instances.size()), ids.get(products.next()),
					ids.get(ThreadLocalRandom.current().nextInt(ids.size())), CATEGORIES.get(categories.next()),
					TERMS.get(terms.next()), created);
			int index = n;
			http.sendAsync(request, BodyHandlers.discarding()).whenComplete((response, failure) -> {
				latencies[index] = System.nanoTime() - planned;
				if (failure != null || response.statusCode() >= 400) {
					errors.incrementAndGet();
				}
				answered.countDown();
			});
		}
		if (!answered.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException(answered.getCount() + " requests unanswered 30 s after the last was sent");
		}
		Arrays.sort(latencies);
		return new Result(latencies, errors.get());
	}

	private static Result closedLoop(List<SampleInstance> instances, List<Long> ids, HttpClient http, int clients,
			int seconds) throws InterruptedException {
		long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
		AtomicLong errors = new AtomicLong();
		AtomicLong created = new AtomicLong();
		Zipf products = new Zipf(ids.size(), 1.0);
		Zipf categories = new Zipf(CATEGORIES.size(), 1.0);
		Zipf terms = new Zipf(TERMS.size(), 1.0);
		long[][] latencies = new long[clients][];
		List<Thread> threads = new ArrayList<>();
		for (int client = 0; client < clients; client++) {
			int index = client;
			Thread thread = new Thread(() -> {
				long[] own = new long[1 << 16];
				int count = 0;
				int next = index;
				while (System.nanoTime() < end) {
					SampleInstance instance = instances.get(next++ % instances.size());
					HttpRequest request = request(instance, ids.get(products.next()),
							ids.get(ThreadLocalRandom.current().nextInt(ids.size())), CATEGORIES.get(categories.next()),
							TERMS.get(terms.next()), created);
					long start = System.nanoTime();
					try {
						int status = http.send(request, BodyHandlers.discarding()).statusCode();
						if (status >= 400) {
							errors.incrementAndGet();
						}
					}
					catch (Exception ex) {
						errors.incrementAndGet();
					}
					if (count == own.length) {
						own = Arrays.copyOf(own, own.length * 2);
					}
					own[count++] = System.nanoTime() - start;
				}
				latencies[index] = Arrays.copyOf(own, count);
			}, "load-" + client);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
		return new Result(all, errors.get());
	}

	private static HttpRequest request(SampleInstance instance, long id, long written, String category, String term,
			AtomicLong created) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		double draw = random.nextDouble(100);
		if (draw < 45) {
			return get(instance, "/products/" + id);
		}
		if (draw < 65) {
			return get(instance, "/products/" + id + "/page");
		}
		if (draw < 80) {
			return get(instance, "/categories/" + category + "/products?size=10&page=" + random.nextInt(2));
		}
		if (draw < 90) {
			return get(instance, "/products?q=" + term);
		}
		if (draw < 96) {
			BigDecimal price = BigDecimal.valueOf(random.nextInt(100, 20000), 2);
			return write(instance, "PUT", "/products/" + written + "/price", "{\"price\": " + price + "}");
		}
		if (draw < 99.7 - CATEGORY_PRICE_CHANGES) {
			return write(instance, "PUT", "/products/" + written + "/stock",
					"{\"stock\": " + random.nextInt(500) + "}");
		}
		if (draw < 99.9 - CATEGORY_PRICE_CHANGES) {
			return write(instance, "PUT", "/products/" + written + "/category", "{\"category\": \"" + category + "\"}");
		}
		if (draw < 99.9) {
			// Up or down alike, so that prices do not drift over a run.
			return write(instance, "POST", "/categories/" + category + "/prices",
					"{\"percent\": " + (random.nextBoolean() ? "2" : "-2") + "}");
		}
		return write(instance, "POST", "/products", "{\"name\": \"Load product " + created.incrementAndGet()
				+ "\", \"category\": \"" + category + "\", \"price\": 9.99, \"stock\": 10}");
	}

	private static HttpRequest get(SampleInstance instance, String path) {
		return HttpRequest.newBuilder(instance.uri(path)).timeout(Duration.ofSeconds(10)).GET().build();
	}

	private static HttpRequest write(SampleInstance instance, String method, String path, String body) {
		return HttpRequest.newBuilder(instance.uri(path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.method(method, BodyPublishers.ofString(body))
			.build();
	}

	/**
	 * The change of every scraped sample over the measured period, over both instances.
	 */
	private record Delta(Map<String, Double> before, Map<String, Double> after) {

		/**
		 * Calls of each cache's method per second, the busiest first, such as
		 * {@code products 12.3, related-products 4.5}.
		 */
		String loadsByCache(int seconds) {
			Map<String, Double> byCache = new TreeMap<>();
			Pattern cache = Pattern.compile("cache=\"([^\"]+)\"");
			for (String key : this.after.keySet()) {
				Matcher matcher = cache.matcher(key);
				if (key.startsWith("tiercache_loads_seconds_count{") && matcher.find()) {
					byCache.merge(matcher.group(1), this.after.get(key) - this.before.getOrDefault(key, 0.0),
							Double::sum);
				}
			}
			return byCache.entrySet()
				.stream()
				.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
				.map((entry) -> String.format(Locale.ROOT, "%s %.1f", entry.getKey(), entry.getValue() / seconds))
				.collect(Collectors.joining(", "));
		}

		double sum(String name, Predicate<String> labels) {
			double sum = 0;
			for (Map.Entry<String, Double> sample : this.after.entrySet()) {
				String key = sample.getKey();
				int brace = key.indexOf('{');
				String sampleName = (brace < 0) ? key : key.substring(0, brace);
				if (sampleName.equals(name) && labels.test(key)) {
					sum += sample.getValue() - this.before.getOrDefault(key, 0.0);
				}
			}
			return sum;
		}

	}

	private record Result(long[] latencies, long errors) {

		String row(String name, Delta delta, int seconds) {
			double selects = delta.sum("sample_database_statements_total", (key) -> key.contains("kind=\"read\""));
			double writes = delta.sum("sample_database_statements_total", (key) -> key.contains("kind=\"write\""));
			double localHits = delta.sum("tiercache_gets_total",
					(key) -> key.contains("tier=\"local\"") && key.contains("result=\"hit\""));
			double local = delta.sum("tiercache_gets_total", (key) -> key.contains("tier=\"local\""));
			double remoteHits = delta.sum("tiercache_gets_total",
					(key) -> key.contains("tier=\"remote\"") && key.contains("result=\"hit\""));
			double remote = delta.sum("tiercache_gets_total", (key) -> key.contains("tier=\"remote\""));
			if (local == 0 && remote == 0) {
				// Spring's cache meters, which know only one tier: Redis.
				remoteHits = delta.sum("cache_gets_total", (key) -> key.contains("result=\"hit\""));
				remote = remoteHits + delta.sum("cache_gets_total", (key) -> key.contains("result=\"miss\""));
			}
			// The CPU both instances spent, whatever on: requests, Redis clients, meters.
			double cpu = delta.sum("process_cpu_time_ns_total", (key) -> true);
			return String.format(Locale.ROOT,
					"| %s | %,.0f | %.2f ms | %.2f ms | %,.0f | %.3f | %,.0f | %s | %s | %.2f ms | %d |", name,
					this.latencies.length / (double) seconds, percentile(0.50), percentile(0.99), selects / seconds,
					selects / Math.max(1, this.latencies.length), writes / seconds, ratio(localHits, local),
					ratio(remoteHits, remote), cpu / 1e6 / Math.max(1, this.latencies.length), this.errors);
		}

		private double percentile(double fraction) {
			if (this.latencies.length == 0) {
				return Double.NaN;
			}
			int index = (int) Math.min(this.latencies.length - 1, Math.ceil(fraction * this.latencies.length) - 1);
			return this.latencies[Math.max(index, 0)] / 1e6;
		}

		private static String ratio(double hits, double all) {
			return (all == 0) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * hits / all);
		}

	}

}
