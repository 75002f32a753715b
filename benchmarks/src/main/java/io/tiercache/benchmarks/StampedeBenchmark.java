package io.tiercache.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tiercache.autoconfigure.TierCacheProperties;
import io.tiercache.benchmarks.BenchmarkContext.TiercacheInternals;
import io.tiercache.store.TieredStore;
import io.tiercache.test.EmbeddedRedis;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * A cache stampede, the same for every variant: {@code contexts} Spring Boot applications
 * (separate application contexts in this JVM, each with its own Redis client, all against
 * <em>one</em> embedded Redis) run {@code threads} threads each, and all of them read the
 * same cold key at the same instant (one {@link CountDownLatch}). The cached method is a
 * slow database query: it sleeps {@code load-ms} and counts its invocations. Per round:
 * <ol>
 * <li>the key is made cold: tiercache invalidates its tag through {@link TieredStore} in
 * the first context and waits until every context has applied the invalidation (so its
 * local tier no longer serves the entry, which is checked); Spring evicts the key through
 * the first context's {@link CacheManager} and checks that no context sees it;</li>
 * <li>all {@code contexts x threads} callers are released together; each call's latency
 * is measured on its own thread, from just before the call to its return;</li>
 * <li>the method's invocations are counted; once every cache write of the stampede has
 * reached Redis (Spring Data Redis 4 writes a plain {@code @Cacheable}'s result
 * asynchronously), one more read in every context must not invoke it: the stampede left
 * the value cached.</li>
 * </ol>
 * Besides the table it prints, per variant, how many contexts ran the method, the Redis
 * requests of each stampede ({@code INFO commandstats}; for tiercache its scripts, not
 * the commands they run), and the release skew: the time between the first and the last
 * caller starting its call. A caller that starts after the value is cached counts as a
 * hit, so a skew near the load time means the callers did not really arrive together.
 * Variants, each with its own Redis and its own contexts:
 * <ul>
 * <li>{@code tiercache}:
 * {@code @Cached(name = "products", ttl = "10m", tags = "'p:' + #id")}, default settings
 * (single flight per process, Redis lease across processes);</li>
 * <li>{@code spring-sync}: {@code @Cacheable(cacheNames = "products", sync = true)} over
 * {@code RedisCacheManager.builder(connectionFactory)} (its default, non-locking
 * writer);</li>
 * <li>{@code spring}: plain {@code @Cacheable("products")} over the same manager;</li>
 * <li>{@code spring-sync-locking} (extra): {@code @Cacheable(sync = true)} over a manager
 * built with {@link RedisCacheWriter#lockingRedisCacheWriter}, Spring Data Redis's
 * cross-process option (one lock per cache, not per key).</li>
 * </ul>
 * A plain main class rather than JMH: the quantities are counts and a latency
 * distribution of one-shot events, not a steady-state rate. Run from the shaded jar:
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.tiercache.benchmarks.StampedeBenchmark
 * </pre> Each variant runs in a JVM of its own, started with this JVM's options
 * ({@code fork=false} runs them all here instead). Options as {@code name=value}
 * arguments: {@code contexts} (4), {@code threads} (32), {@code rounds} (20),
 * {@code warmup} (3 rounds per variant, checked but not recorded), {@code load-ms} (50),
 * {@code variants} (comma-separated ids, all by default), {@code command-stats}
 * ({@code true} prints each round's Redis commands), {@code fork}.
 */
public final class StampedeBenchmark {

	/** The one key every caller reads. */
	static final long ID = ProductIds.FIRST;

	/** Its tiercache tag. */
	static final String TAG = "p:" + ID;

	/** Invocations of the slow method, all contexts and variants together. */
	static final AtomicInteger INVOCATIONS = new AtomicInteger();

	private static final Product EXPECTED = Product.load(ID);

	private static final Duration AWAIT = Duration.ofSeconds(10);

	private static final Pattern CALLS = Pattern.compile("calls=(\\d+)");

	// How a forked JVM hands its table rows to the parent
	private static final String ROW = "@@row ";

	private static final String EXTRA_ROW = "@@extra ";

	private static volatile long loadMillis = 50;

	private StampedeBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		loadMillis = options.loadMillis;
		if (!options.child) {
			System.out.printf(Locale.ROOT, "Stampede: %d contexts x %d threads on one key, one Redis per variant; "
					+ "load %d ms; %d warmup + %d measured rounds per variant; %s; %d cores, Java %s, load average %s%n",
					options.contexts, options.threads, options.loadMillis, options.warmup, options.rounds,
					options.fork ? "one JVM per variant" : "all variants in this JVM",
					Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
		}
		long started = System.nanoTime();
		List<String> rows = new ArrayList<>();
		List<String> extraRows = new ArrayList<>();
		for (Variant variant : options.variants) {
			if (options.fork) {
				fork(variant, args, rows, extraRows);
				continue;
			}
			Result result = run(variant, options);
			result.printDetails();
			if (options.child) {
				System.out.println(ROW + result.row());
				System.out.println(EXTRA_ROW + result.extraRow());
			}
			rows.add(result.row());
			extraRows.add(result.extraRow());
		}
		if (!options.child) {
			System.out.println();
			System.out.printf(Locale.ROOT, "%d contexts x %d threads, %d rounds, load %d ms:%n%n", options.contexts,
					options.threads, options.rounds, options.loadMillis);
			System.out.println("| variant | invocations per stampede (mean / max) | p50 | p99 | max latency |");
			System.out.println("| --- | --- | --- | --- | --- |");
			rows.forEach(System.out::println);
			System.out.println();
			System.out.println("| variant | contexts that ran the method (mean) | Redis requests per stampede (mean) "
					+ "| release skew (median / max) |");
			System.out.println("| --- | --- | --- | --- |");
			extraRows.forEach(System.out::println);
			System.out.printf(Locale.ROOT, "%nTotal %.1f s, load average %s%n", (System.nanoTime() - started) / 1e9,
					loadAverage());
		}
		// Lettuce and Spring may leave non-daemon threads behind
		System.exit(0);
	}

	/**
	 * Run one variant in a JVM of its own, with this JVM's options: no variant inherits
	 * another's garbage, heap sizing or compiled code.
	 */
	private static void fork(Variant variant, String[] args, List<String> rows, List<String> extraRows)
			throws Exception {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(StampedeBenchmark.class.getName());
		for (String arg : args) {
			if (!arg.replaceFirst("^--", "").startsWith("variants=")
					&& !arg.replaceFirst("^--", "").startsWith("fork=")) {
				command.add(arg);
			}
		}
		command.add("variants=" + variant.id);
		command.add("child=true");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = output.readLine()) != null) {
				if (line.startsWith(ROW)) {
					rows.add(line.substring(ROW.length()));
				}
				else if (line.startsWith(EXTRA_ROW)) {
					extraRows.add(line.substring(EXTRA_ROW.length()));
				}
				else {
					System.out.println(line);
				}
			}
		}
		int exit = process.waitFor();
		if (exit != 0) {
			throw new IllegalStateException(variant.id + ": the forked JVM exited with " + exit);
		}
	}

	private static String loadAverage() {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		return (load < 0) ? "n/a" : String.format(Locale.ROOT, "%.1f", load);
	}

	private static Result run(Variant variant, Options options) throws Exception {
		System.out.printf(Locale.ROOT, "%n== %s: starting %d contexts%n", variant.id, options.contexts);
		int callers = options.contexts * options.threads;
		Result result = new Result(variant, options);
		try (EmbeddedRedis redis = EmbeddedRedis.start(); Cluster cluster = variant.start(redis, options.contexts)) {
			ThreadPoolExecutor pool = new ThreadPoolExecutor(callers, callers, 1, TimeUnit.MINUTES,
					new LinkedBlockingQueue<>(), (runnable) -> {
						Thread thread = new Thread(runnable, "caller");
						thread.setDaemon(true);
						return thread;
					});
			pool.prestartAllCoreThreads();
			try {
				// The first call creates tiercache's cache and loads Redis's scripts: not
				// a stampede
				cluster.touch();
				int expected = INVOCATIONS.get();
				for (int round = -options.warmup; round < options.rounds; round++) {
					String what = variant.id + " round " + round;
					BenchmarkContext.check(INVOCATIONS.get() == expected,
							what + ": the method ran " + (INVOCATIONS.get() - expected) + " times between rounds");
					cluster.makeCold(what);
					int[] loadsBefore = cluster.loadsPerContext();
					Map<String, Long> statsBefore = cluster.commandStats(null);
					Stampede stampede = stampede(pool, cluster, options, round);
					int invocations = INVOCATIONS.get() - expected;
					BenchmarkContext.check(invocations >= 1, what + ": the method never ran: the key was not cold");
					cluster.awaitWrites(what, statsBefore, invocations);
					Map<String, Long> commands = cluster.commandStats(statsBefore);
					if (options.commandStats) {
						System.out.printf(Locale.ROOT, "   round %d commands: %s%n", round, commands);
					}
					int[] loadsAfter = cluster.loadsPerContext();
					int contextsLoading = 0;
					boolean[] loaded = new boolean[loadsAfter.length];
					for (int i = 0; i < loadsAfter.length; i++) {
						loaded[i] = loadsAfter[i] > loadsBefore[i];
						contextsLoading += loaded[i] ? 1 : 0;
					}
					expected += invocations;
					cluster.verifyHit(round);
					if (round >= 0) {
						result.record(round, invocations, contextsLoading, cluster.roundTrips(commands), stampede,
								loaded);
					}
					else {
						System.out.printf(Locale.ROOT, "   warmup round %d: %d invocations%n", round, invocations);
					}
				}
				if (cluster instanceof SpringCluster spring) {
					System.out.printf(Locale.ROOT,
							"   last cache write reached Redis at most %s ms after the last " + "caller returned%n",
							Result.ms(spring.maxWriteLagNanos));
				}
				if (cluster instanceof TiercacheCluster tiercache) {
					System.out.printf(Locale.ROOT,
							"   local tier served the read after the stampede in %d of %d " + "context-rounds%n",
							tiercache.localHits, options.rounds * options.contexts);
				}
			}
			finally {
				pool.shutdownNow();
			}
		}
		return result;
	}

	private static Stampede stampede(ExecutorService pool, Cluster cluster, Options options, int round)
			throws Exception {
		int callers = options.contexts * options.threads;
		CountDownLatch ready = new CountDownLatch(callers);
		CountDownLatch start = new CountDownLatch(1);
		long[] starts = new long[callers];
		long[] latencies = new long[callers];
		List<Future<?>> futures = new ArrayList<>(callers);
		for (int i = 0; i < callers; i++) {
			int caller = i;
			ProductSource products = cluster.products(caller / options.threads);
			futures.add(pool.submit(() -> {
				ready.countDown();
				start.await();
				long before = System.nanoTime();
				Product product = products.find(ID);
				long after = System.nanoTime();
				starts[caller] = before;
				latencies[caller] = after - before;
				BenchmarkContext.check(EXPECTED.equals(product), "round " + round + ": wrong value " + product);
				return null;
			}));
		}
		BenchmarkContext.check(ready.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS), "callers did not start");
		start.countDown();
		for (Future<?> future : futures) {
			// Propagates a caller's exception
			future.get(60, TimeUnit.SECONDS);
		}
		long first = Long.MAX_VALUE;
		long last = Long.MIN_VALUE;
		for (long s : starts) {
			first = Math.min(first, s);
			last = Math.max(last, s);
		}
		return new Stampede(latencies, last - first);
	}

	/** The latencies of one round's calls and the spread of their start times. */
	record Stampede(long[] latencies, long skewNanos) {
	}

	/**
	 * The slow "database query" behind every variant's cached method (each bean also
	 * counts its own calls).
	 */
	static Product query(long id) {
		INVOCATIONS.incrementAndGet();
		try {
			Thread.sleep(loadMillis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		return Product.load(id);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TiercacheApplication {

		@Bean
		Products.Tiercache tiercacheProducts() {
			return new Products.Tiercache(StampedeBenchmark::query);
		}

	}

	static RedisCacheConfiguration springCacheConfiguration() {
		return RedisCacheConfiguration.defaultCacheConfig(Product.class.getClassLoader())
			.entryTtl(Duration.ofMinutes(10));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class SpringSyncApplication {

		@Bean
		RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory) {
			return RedisCacheManager.builder(connectionFactory).cacheDefaults(springCacheConfiguration()).build();
		}

		@Bean
		Products.SpringSync springSyncProducts() {
			return new Products.SpringSync(StampedeBenchmark::query);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class PlainSpringApplication {

		@Bean
		RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory) {
			return RedisCacheManager.builder(connectionFactory).cacheDefaults(springCacheConfiguration()).build();
		}

		@Bean
		Products.Spring springProducts() {
			return new Products.Spring(StampedeBenchmark::query);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class SpringSyncLockingApplication {

		@Bean
		RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory) {
			return RedisCacheManager.builder(RedisCacheWriter.lockingRedisCacheWriter(connectionFactory))
				.cacheDefaults(springCacheConfiguration())
				.build();
		}

		@Bean
		Products.SpringSync springSyncProducts() {
			return new Products.SpringSync(StampedeBenchmark::query);
		}

	}

	/** What is compared. */
	enum Variant {

		TIERCACHE("tiercache", "(a) tiercache `@Cached`") {
			@Override
			Cluster start(EmbeddedRedis redis, int contexts) {
				return new TiercacheCluster(redis, contexts);
			}
		},

		SPRING_SYNC("spring-sync", "(b) Spring `@Cacheable(sync = true)`, `RedisCacheManager`") {
			@Override
			Cluster start(EmbeddedRedis redis, int contexts) {
				return new SpringCluster(redis, contexts, SpringSyncApplication.class, Products.SpringSync.class,
						false);
			}
		},

		SPRING("spring", "(c) Spring `@Cacheable`, `RedisCacheManager`") {
			@Override
			Cluster start(EmbeddedRedis redis, int contexts) {
				return new SpringCluster(redis, contexts, PlainSpringApplication.class, Products.Spring.class, false);
			}
		},

		SPRING_SYNC_LOCKING("spring-sync-locking",
				"(extra) Spring `@Cacheable(sync = true)`, `RedisCacheManager` + `lockingRedisCacheWriter`") {
			@Override
			Cluster start(EmbeddedRedis redis, int contexts) {
				return new SpringCluster(redis, contexts, SpringSyncLockingApplication.class, Products.SpringSync.class,
						true);
			}
		};

		final String id;

		final String label;

		Variant(String id, String label) {
			this.id = id;
			this.label = label;
		}

		abstract Cluster start(EmbeddedRedis redis, int contexts);

		static Variant of(String id) {
			for (Variant variant : values()) {
				if (variant.id.equals(id)) {
					return variant;
				}
			}
			throw new IllegalArgumentException("Unknown variant '" + id + "'; known: "
					+ Arrays.stream(values()).map((variant) -> variant.id).toList());
		}

	}

	/** The contexts of one variant, all against one Redis. */
	abstract static class Cluster implements AutoCloseable {

		final List<BenchmarkContext> contexts = new ArrayList<>();

		final List<Products.Counting> products = new ArrayList<>();

		Cluster(EmbeddedRedis redis, int count, Class<?> configuration, Class<? extends Products.Counting> type,
				String... properties) {
			try {
				for (int i = 0; i < count; i++) {
					BenchmarkContext context = BenchmarkContext.startOn(redis, configuration, properties);
					this.contexts.add(context);
					this.products.add(context.bean(type));
				}
			}
			catch (RuntimeException ex) {
				close();
				throw ex;
			}
		}

		ProductSource products(int context) {
			return this.products.get(context);
		}

		int[] loadsPerContext() {
			// Through loads(): the beans are class-based proxies, whose own fields are
			// unset
			return this.products.stream().mapToInt((products) -> (int) products.loads()).toArray();
		}

		/**
		 * Commands the clients sent, from a difference of {@link #commandStats}: all of
		 * them but the benchmark's own {@code INFO}, since the alternatives send no
		 * scripts.
		 * @param commands calls by command
		 * @return the number of requests Redis served
		 */
		long roundTrips(Map<String, Long> commands) {
			return commands.entrySet()
				.stream()
				.filter((entry) -> !entry.getKey().equals("info"))
				.mapToLong(Map.Entry::getValue)
				.sum();
		}

		/**
		 * Calls per Redis command ({@code INFO commandstats}), minus those of
		 * {@code since}.
		 * @param since an earlier reading, or {@code null}
		 * @return the calls by command, without commands not called since
		 */
		Map<String, Long> commandStats(@Nullable Map<String, Long> since) {
			Map<String, Long> calls = new TreeMap<>();
			try (RedisConnection connection = this.contexts.get(0).bean(RedisConnectionFactory.class).getConnection()) {
				Properties stats = connection.serverCommands().info("commandstats");
				for (String name : stats.stringPropertyNames()) {
					Matcher matcher = CALLS.matcher(stats.getProperty(name));
					if (name.startsWith("cmdstat_") && matcher.find()) {
						String command = name.substring("cmdstat_".length());
						long count = Long.parseLong(matcher.group(1))
								- ((since != null) ? since.getOrDefault(command, 0L) : 0);
						if (since == null || count > 0) {
							calls.put(command, count);
						}
					}
				}
			}
			return calls;
		}

		/**
		 * Wait until the stampede's cache writes have all reached Redis.
		 * @param what the round, for messages
		 * @param since the command statistics from before the stampede
		 * @param invocations the stampede's invocations
		 */
		void awaitWrites(String what, Map<String, Long> since, int invocations) {
		}

		/**
		 * Make the key cold for every context, and check that none of them can serve it.
		 */
		abstract void makeCold(String what);

		/** Read the key once in every context, one after the other. */
		void touch() {
			for (Products.Counting products : this.products) {
				Product product = products.find(ID);
				BenchmarkContext.check(EXPECTED.equals(product), "wrong value " + product);
			}
		}

		/**
		 * Fail unless a read in every context, one after the other, is a hit.
		 * @param round the round, for messages
		 */
		void verifyHit(int round) {
			for (int i = 0; i < this.products.size(); i++) {
				int before = INVOCATIONS.get();
				Product product = this.products.get(i).find(ID);
				BenchmarkContext.check(EXPECTED.equals(product), "round " + round + ": wrong value " + product);
				BenchmarkContext.check(INVOCATIONS.get() == before, "round " + round + ", context " + i
						+ ": the read after the stampede invoked the method: not cached");
			}
		}

		@Override
		public void close() {
			for (BenchmarkContext context : this.contexts) {
				try {
					context.close();
				}
				catch (RuntimeException ex) {
					System.err.println("Could not close a context: " + ex);
				}
			}
		}

	}

	static final class TiercacheCluster extends Cluster {

		// The scripts and what they call (read, write, invalidate, release, sequence,
		// probe)
		private static final Set<String> SCRIPT_COMMANDS = Set.of("evalsha", "eval", "script", "info", "get", "set",
				"hmget", "hset", "hincrby", "pttl", "unlink", "del", "pexpire", "time", "publish");

		private final List<TiercacheInternals> tiercaches = new ArrayList<>();

		// Invalidations of TAG each context has applied (its own and those from the
		// channel)
		private final List<AtomicLong> applied = new ArrayList<>();

		// Contexts whose local tier served the read after the stampede, over all rounds
		int localHits;

		TiercacheCluster(EmbeddedRedis redis, int count) {
			super(redis, count, TiercacheApplication.class, Products.Tiercache.class);
			for (BenchmarkContext context : this.contexts) {
				TiercacheInternals tiercache = context.tiercache();
				tiercache.awaitLocalTierTrusted();
				AtomicLong counter = new AtomicLong();
				tiercache.onInvalidationApplied(TAG, counter::incrementAndGet);
				this.tiercaches.add(tiercache);
				this.applied.add(counter);
			}
			TierCacheProperties.Lease lease = this.contexts.get(0).bean(TierCacheProperties.class).getLease();
			System.out.printf(Locale.ROOT, "   tiercache.lease.timeout=%s, tiercache.lease.max-wait=%s%n",
					lease.getTimeout(), lease.getMaxWait());
		}

		@Override
		void makeCold(String what) {
			long[] before = this.applied.stream().mapToLong(AtomicLong::get).toArray();
			this.contexts.get(0).bean(TieredStore.class).invalidate(List.of(TAG));
			for (int i = 0; i < this.tiercaches.size(); i++) {
				// The invalidating context applies it twice: on return, and again from
				// the channel
				long expected = before[i] + ((i == 0) ? 2 : 1);
				AtomicLong counter = this.applied.get(i);
				BenchmarkContext.await(() -> counter.get() >= expected, AWAIT,
						what + ": context " + i + " to apply the invalidation");
			}
			for (int i = 0; i < this.tiercaches.size(); i++) {
				TiercacheInternals tiercache = this.tiercaches.get(i);
				BenchmarkContext.check(tiercache.steady(),
						what + ": context " + i + " is not in a steady state: " + tiercache);
				BenchmarkContext.check(!tiercache.servesLocally("products", ID),
						what + ": context " + i + "'s local tier still serves the invalidated entry");
			}
		}

		/**
		 * Only the scripts: Redis also counts the commands a script runs in
		 * {@code INFO commandstats}, and tiercache sends nothing else on this path.
		 */
		@Override
		long roundTrips(Map<String, Long> commands) {
			Set<String> other = new TreeSet<>(commands.keySet());
			other.removeAll(SCRIPT_COMMANDS);
			BenchmarkContext.check(other.isEmpty(), "tiercache sent commands other than scripts: " + commands);
			return commands.getOrDefault("evalsha", 0L) + commands.getOrDefault("eval", 0L);
		}

		@Override
		void verifyHit(int round) {
			if (round >= 0) {
				for (TiercacheInternals tiercache : this.tiercaches) {
					this.localHits += tiercache.servesLocally("products", ID) ? 1 : 0;
				}
			}
			super.verifyHit(round);
		}

	}

	static final class SpringCluster extends Cluster {

		SpringCluster(EmbeddedRedis redis, int count, Class<?> configuration, Class<? extends Products.Counting> type,
				boolean locking) {
			super(redis, count, configuration, type, "tiercache.enabled=false");
			this.locking = locking;
		}

		private Cache cache(int context) {
			Cache cache = this.contexts.get(context).bean(CacheManager.class).getCache("products");
			BenchmarkContext.check(cache != null, "no cache 'products'");
			return cache;
		}

		// Longest wait, over all rounds, for the stampede's cache writes to reach Redis
		long maxWriteLagNanos;

		private final boolean locking;

		@Override
		void makeCold(String what) {
			// evictIfPresent, not evict: Spring Data Redis 4 writes and evicts
			// asynchronously by default (Lettuce), and only evictIfPresent is guaranteed
			// to have happened on return
			cache(0).evictIfPresent(ID);
			for (int i = 0; i < this.contexts.size(); i++) {
				BenchmarkContext.check(cache(i).get(ID) == null, what + ": context " + i + " still sees the key");
			}
		}

		/**
		 * Wait until every write of the stampede has reached Redis. Spring Data Redis 4
		 * writes a plain {@code @Cacheable}'s result asynchronously by default (Lettuce):
		 * the caller returns before its {@code SET} is sent, and a {@code SET} still in
		 * flight when the next round evicts the key would fill it again. Each invocation
		 * writes once ({@code sync = true} writes before returning; with the locking
		 * writer, {@code SET} also takes the lock).
		 */
		@Override
		void awaitWrites(String what, Map<String, Long> since, int invocations) {
			if (this.locking) {
				return;
			}
			long started = System.nanoTime();
			BenchmarkContext.await(() -> commandStats(since).getOrDefault("set", 0L) >= invocations, AWAIT,
					what + ": " + invocations + " cache writes to reach Redis");
			this.maxWriteLagNanos = Math.max(this.maxWriteLagNanos, System.nanoTime() - started);
		}

	}

	/** One variant's numbers over all measured rounds. */
	static final class Result {

		private final Variant variant;

		private final Options options;

		private final int[] invocations;

		private final int[] contextsLoading;

		private final long[] roundTrips;

		private final long[] skews;

		private final long[] latencies;

		// The same calls split by whether their own context ran the method in that round
		private final List<Long> inLoadingContexts = new ArrayList<>();

		private final List<Long> inWaitingContexts = new ArrayList<>();

		Result(Variant variant, Options options) {
			this.variant = variant;
			this.options = options;
			this.invocations = new int[options.rounds];
			this.contextsLoading = new int[options.rounds];
			this.roundTrips = new long[options.rounds];
			this.skews = new long[options.rounds];
			this.latencies = new long[options.rounds * options.contexts * options.threads];
		}

		void record(int round, int invocations, int contextsLoading, long roundTrips, Stampede stampede,
				boolean[] loaded) {
			this.invocations[round] = invocations;
			this.contextsLoading[round] = contextsLoading;
			this.roundTrips[round] = roundTrips;
			this.skews[round] = stampede.skewNanos();
			long[] latencies = stampede.latencies();
			System.arraycopy(latencies, 0, this.latencies, round * latencies.length, latencies.length);
			for (int caller = 0; caller < latencies.length; caller++) {
				(loaded[caller / this.options.threads] ? this.inLoadingContexts : this.inWaitingContexts)
					.add(latencies[caller]);
			}
		}

		void printDetails() {
			System.out.printf(Locale.ROOT, "   invocations per round: %s%n", Arrays.toString(this.invocations));
			System.out.printf(Locale.ROOT, "   contexts that ran the method, per round: %s%n",
					Arrays.toString(this.contextsLoading));
			System.out.printf(Locale.ROOT, "   Redis requests per round: %s%n", Arrays.toString(this.roundTrips));
			System.out.printf(Locale.ROOT, "   release skew per round (ms, first to last call start): %s%n",
					Arrays.stream(this.skews).mapToObj(Result::ms).toList());
			int calls = this.options.contexts * this.options.threads;
			List<String> maxima = new ArrayList<>();
			for (int round = 0; round < this.options.rounds; round++) {
				maxima.add(ms(Arrays.stream(this.latencies, round * calls, (round + 1) * calls).max().orElse(0)));
			}
			System.out.printf(Locale.ROOT, "   slowest call per round (ms): %s%n", maxima);
			System.out.printf(Locale.ROOT, "   latency: %s%n", summary(this.latencies));
			if (!this.inWaitingContexts.isEmpty() && !this.inLoadingContexts.isEmpty()) {
				System.out.printf(Locale.ROOT, "     in contexts that ran the method: %s%n",
						summary(this.inLoadingContexts.stream().mapToLong(Long::longValue).toArray()));
				System.out.printf(Locale.ROOT, "     in contexts that did not: %s%n",
						summary(this.inWaitingContexts.stream().mapToLong(Long::longValue).toArray()));
			}
		}

		private static String summary(long[] latencies) {
			long[] sorted = latencies.clone();
			Arrays.sort(sorted);
			return String.format(Locale.ROOT, "min %s, p50 %s, p90 %s, p99 %s, max %s ms over %d calls", ms(sorted[0]),
					ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
					ms(sorted[sorted.length - 1]), sorted.length);
		}

		String row() {
			long[] sorted = sorted();
			return String.format(Locale.ROOT, "| %s | %.1f / %d | %s ms | %s ms | %s ms |", this.variant.label,
					Arrays.stream(this.invocations).average().orElse(0),
					Arrays.stream(this.invocations).max().orElse(0), ms(percentile(sorted, 50)),
					ms(percentile(sorted, 99)), ms(sorted[sorted.length - 1]));
		}

		String extraRow() {
			long[] skews = this.skews.clone();
			Arrays.sort(skews);
			return String.format(Locale.ROOT, "| %s | %.1f of %d | %.0f | %s / %s ms |", this.variant.label,
					Arrays.stream(this.contextsLoading).average().orElse(0), this.options.contexts,
					Arrays.stream(this.roundTrips).average().orElse(0), ms(percentile(skews, 50)),
					ms(skews[skews.length - 1]));
		}

		private long[] sorted() {
			long[] sorted = this.latencies.clone();
			Arrays.sort(sorted);
			return sorted;
		}

		/** Nearest rank. */
		static long percentile(long[] sorted, double percent) {
			int rank = (int) Math.ceil(percent / 100 * sorted.length);
			return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
		}

		static String ms(long nanos) {
			double millis = nanos / 1e6;
			return (millis >= 100) ? String.format(Locale.ROOT, "%.0f", millis)
					: String.format(Locale.ROOT, "%.1f", millis);
		}

	}

	/** Command-line options. */
	static final class Options {

		int contexts = 4;

		int threads = 32;

		int rounds = 20;

		int warmup = 3;

		long loadMillis = 50;

		List<Variant> variants = List.of(Variant.values());

		boolean commandStats;

		boolean fork = true;

		boolean child;

		static Options parse(String[] args) {
			Options options = new Options();
			for (String arg : args) {
				int equals = arg.indexOf('=');
				if (equals < 0) {
					throw new IllegalArgumentException("Expected name=value, got '" + arg + "'");
				}
				String name = arg.substring(0, equals).replaceFirst("^--", "");
				String value = arg.substring(equals + 1);
				switch (name) {
					case "contexts" -> options.contexts = positive(name, value);
					case "threads" -> options.threads = positive(name, value);
					case "rounds" -> options.rounds = positive(name, value);
					case "warmup" -> options.warmup = Integer.parseInt(value);
					case "load-ms" -> options.loadMillis = positive(name, value);
					case "command-stats" -> options.commandStats = Boolean.parseBoolean(value);
					case "fork" -> options.fork = Boolean.parseBoolean(value);
					case "child" -> options.child = Boolean.parseBoolean(value);
					case "variants" ->
						options.variants = Arrays.stream(value.split(",")).map(String::trim).map(Variant::of).toList();
					default -> throw new IllegalArgumentException("Unknown option '" + name
							+ "'; known: contexts, threads, rounds, warmup, load-ms, variants, command-stats, fork");
				}
			}
			// A forked JVM runs its variant itself
			options.fork = options.fork && !options.child;
			return options;
		}

		private static int positive(String name, String value) {
			int number = Integer.parseInt(value);
			if (number < 1) {
				throw new IllegalArgumentException(name + " must be at least 1");
			}
			return number;
		}

	}

}
