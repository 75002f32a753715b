package io.tiercache.benchmarks;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.benchmarks.BenchmarkContext.TiercacheInternals;
import io.tiercache.benchmarks.load.Zipf;
import io.tiercache.test.EmbeddedRedis;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * A mixed workload on two application instances: two Spring Boot application contexts in
 * this JVM, each with its own Redis client and its own local cache, against one embedded
 * Redis, both reading one shared {@link VersionedCatalog} of {@value #PRODUCTS} products.
 * Each operation picks a product from a Zipf distribution (s = 1), an instance at random
 * (as a load balancer would), and then reads ({@value #READ_PERCENT}%: the cached
 * {@code find(id)}) or writes (the rest: {@code update(id)}, which commits the next
 * version of the product in the catalog and then invalidates it):
 * <ul>
 * <li>{@code tiercache}:
 * {@code @Cached(name = "products", ttl = "10m", tags = "'p:' + #id")} and
 * {@code @InvalidatesTags("'p:' + #id")}, both tiers;</li>
 * <li>{@code springRedis}: {@code @Cacheable("products")} and
 * {@code @CacheEvict(cacheNames = "products", key = "#id")} over a
 * {@link RedisCacheManager} (JDK serialization, 10 minutes);</li>
 * <li>{@code springCaffeine}: the same annotations over a {@link CaffeineCacheManager}
 * (10,000 entries, 10 minutes): each instance has a cache of its own, so a write evicts
 * the product on the instance that wrote it only. Fast, and wrong across instances.</li>
 * </ul>
 * Besides operations per second, the {@link Counters} give per second: {@code reads},
 * {@code writes}, {@code loads} (catalog reads, i.e. misses) and stale reads. A read is
 * stale when the version it returns is older than the version the catalog had committed
 * when the read began; {@code staleReads} counts them all, {@code staleBeyondGrace} only
 * those whose value had been superseded more than {@code graceMillis} before the read
 * began, so that an invalidation still on its way to the other instance is not counted
 * against a cache that delivers it within the grace. The trial's teardown also prints the
 * oldest stale value served and how many products are still stale on each instance once
 * the writes have stopped.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(2)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class MixedWorkloadBenchmark {

	/** Number of products, all of which fit in every cache. */
	static final int PRODUCTS = 10_000;

	/** Share of the operations that are reads; the others are writes. */
	static final int READ_PERCENT = 95;

	private static final double ZIPF_EXPONENT = 1.0;

	private static final Duration TTL = Duration.ofMinutes(10);

	private static final Duration AWAIT = Duration.ofSeconds(10);

	@Benchmark
	public Object tiercache(TiercacheState state, Counters counters) {
		return state.operate(counters);
	}

	@Benchmark
	public Object springRedis(SpringRedisState state, Counters counters) {
		return state.operate(counters);
	}

	@Benchmark
	public Object springCaffeine(SpringCaffeineState state, Counters counters) {
		return state.operate(counters);
	}

	/**
	 * What each instance's cached bean offers.
	 */
	public interface ProductService {

		/**
		 * The cached read.
		 * @param id the id
		 * @return the product, from the cache or the catalog
		 */
		VersionedProduct find(long id);

		/**
		 * Commit the next version of a product, then invalidate it.
		 * @param id the id
		 */
		void update(long id);

	}

	/** tiercache. */
	public static class TiercacheProducts implements ProductService {

		private final VersionedCatalog catalog;

		public TiercacheProducts(VersionedCatalog catalog) {
			this.catalog = catalog;
		}

		@Override
		@Cached(name = "products", ttl = "10m", tags = "'p:' + #id")
		public VersionedProduct find(long id) {
			return this.catalog.load(id);
		}

		@Override
		@InvalidatesTags("'p:' + #id")
		public void update(long id) {
			this.catalog.write(id);
		}

	}

	/** Spring's cache abstraction, over whichever cache manager the context has. */
	public static class SpringProducts implements ProductService {

		private final VersionedCatalog catalog;

		public SpringProducts(VersionedCatalog catalog) {
			this.catalog = catalog;
		}

		@Override
		@Cacheable("products")
		public VersionedProduct find(long id) {
			return this.catalog.load(id);
		}

		// After the method, as a write that must not be undone by a read in between:
		// Spring then calls Cache.evict, which Spring Data Redis 4 sends asynchronously
		@Override
		@CacheEvict(cacheNames = "products", key = "#id")
		public void update(long id) {
			this.catalog.write(id);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TiercacheApplication {

		@Bean
		TiercacheProducts tiercacheProducts(VersionedCatalog catalog) {
			return new TiercacheProducts(catalog);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class SpringRedisApplication {

		@Bean
		RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory) {
			return RedisCacheManager.builder(connectionFactory)
				.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig(VersionedProduct.class.getClassLoader())
					.entryTtl(TTL))
				.build();
		}

		@Bean
		SpringProducts springProducts(VersionedCatalog catalog) {
			return new SpringProducts(catalog);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class SpringCaffeineApplication {

		@Bean
		CaffeineCacheManager cacheManager() {
			CaffeineCacheManager cacheManager = new CaffeineCacheManager("products");
			cacheManager.setCaffeine(LocalHitBenchmark.caffeine());
			return cacheManager;
		}

		@Bean
		SpringProducts springProducts(VersionedCatalog catalog) {
			return new SpringProducts(catalog);
		}

	}

	/**
	 * One thread's counts, reported by JMH per second next to the operations (JMH sums
	 * them over the threads and divides by the iteration's time). JMH also counts the
	 * operations a thread runs while it waits for the others to start or finish an
	 * iteration, so {@code reads + writes} is slightly above the operations it reports.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Counters implements VersionedCatalog.LoadCounter {

		/** Cached reads. */
		public long reads;

		/** Writes (each followed by its invalidation). */
		public long writes;

		/** Catalog reads: the misses of this thread's reads. */
		public long loads;

		/** Reads that returned a version older than the one committed when they began. */
		public long staleReads;

		/**
		 * Stale reads whose value had been superseded more than {@code graceMillis}
		 * before they began.
		 */
		public long staleBeyondGrace;

		// JMH itself zeroes the counters before each iteration
		@Setup(Level.Iteration)
		public void register() {
			VersionedCatalog.register(this);
		}

		@TearDown(Level.Iteration)
		public void unregister() {
			VersionedCatalog.unregister();
		}

		@Override
		public void loaded() {
			this.loads++;
		}

	}

	/**
	 * One variant's two instances, on a Redis of their own, for the whole trial. The
	 * trial setup starts them, fills both caches with every product and checks that the
	 * variant does what the benchmark says; each iteration checks that every load was
	 * counted; the trial teardown prints what stayed stale. Annotated as a state itself
	 * only so that JMH takes its parameter; the benchmarks use its subclasses.
	 */
	@State(Scope.Benchmark)
	public abstract static class Cluster {

		/**
		 * How long an invalidation may take to reach the other instance before a read of
		 * the old value there counts in {@code staleBeyondGrace}.
		 */
		@Param("100")
		public long graceMillis;

		final String what;

		private final Class<?> application;

		private final String[] properties;

		private final Zipf zipf = new Zipf(PRODUCTS, ZIPF_EXPONENT);

		// Longest time a stale read's value had been superseded when the read began
		private final LongAccumulator oldestStaleNanos = new LongAccumulator(Math::max, 0);

		private long graceNanos;

		private EmbeddedRedis redis;

		BenchmarkContext first;

		BenchmarkContext second;

		ProductService[] instances;

		VersionedCatalog catalog;

		private long unattributedLoads;

		Cluster(String what, Class<?> application, String... properties) {
			this.what = what;
			this.application = application;
			this.properties = properties;
		}

		@Setup(Level.Trial)
		public void start() {
			this.graceNanos = TimeUnit.MILLISECONDS.toNanos(this.graceMillis);
			this.catalog = new VersionedCatalog(PRODUCTS);
			this.redis = EmbeddedRedis.start();
			this.first = BenchmarkContext.startSharing(this.redis, this.application, this.catalog, this.properties);
			this.second = BenchmarkContext.startSharing(this.redis, this.application, this.catalog, this.properties);
			this.instances = new ProductService[] { this.first.bean(ProductService.class),
					this.second.bean(ProductService.class) };
			ready();
			for (int i = 0; i < PRODUCTS; i++) {
				for (ProductService instance : this.instances) {
					instance.find(VersionedCatalog.id(i));
				}
			}
			verifyHits(this.first, this.instances[0], "the first instance");
			verifyHits(this.second, this.instances[1], "the second instance");
			verifyCrossInstance(VersionedCatalog.id(0));
		}

		/** Wait until both instances can serve from their caches. */
		void ready() {
		}

		/**
		 * Whether a hit on this variant is local: checked as fewer Redis commands than
		 * one per ten calls, or else at least one per call.
		 * @return whether hits are served from the process's memory
		 */
		abstract boolean localHits();

		/**
		 * Fail unless a write on the first instance followed by a read on the second
		 * behaves as this variant claims.
		 * @param id a product both instances hold
		 */
		abstract void verifyCrossInstance(long id);

		/**
		 * Fail unless a round of all products on an instance is all hits, served where
		 * the variant says.
		 */
		private void verifyHits(BenchmarkContext context, ProductService instance, String which) {
			long loads = this.catalog.loads();
			long commands = context.redisCommandsProcessed();
			for (int i = 0; i < PRODUCTS; i++) {
				VersionedProduct product = instance.find(VersionedCatalog.id(i));
				check(product.id() == VersionedCatalog.id(i), "wrong product " + product);
			}
			long loaded = this.catalog.loads() - loads;
			// Minus the INFO that took the second reading
			long sent = context.redisCommandsProcessed() - commands - 1;
			check(loaded == 0, which + " loaded " + loaded + " of " + PRODUCTS + " preloaded products");
			if (localHits()) {
				// Room for background commands (the subscriber's periodic check)
				check(sent < PRODUCTS / 10,
						which + " sent " + sent + " Redis commands for " + PRODUCTS + " calls: not local hits");
			}
			else {
				check(sent >= PRODUCTS,
						which + " sent only " + sent + " Redis commands for " + PRODUCTS + " calls: not Redis hits");
			}
		}

		/**
		 * One operation on a random instance: a write, or a read checked for staleness.
		 * @param counters the calling thread's counters
		 * @return the product read, or {@code null} after a write
		 */
		Object operate(Counters counters) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			long id = VersionedCatalog.id(this.zipf.next());
			ProductService instance = this.instances[random.nextInt(this.instances.length)];
			if (random.nextInt(100) >= READ_PERCENT) {
				instance.update(id);
				counters.writes++;
				return null;
			}
			// The read begins once the committed version is known: any version a
			// write publishes later is not owed to it
			long committed = this.catalog.version(id);
			long began = System.nanoTime();
			VersionedProduct product = instance.find(id);
			counters.reads++;
			if (product.version() < committed) {
				counters.staleReads++;
				long age = began - this.catalog.supersededAt(id, product.version());
				if (age > this.graceNanos) {
					counters.staleBeyondGrace++;
				}
				this.oldestStaleNanos.accumulate(age);
			}
			return product;
		}

		@Setup(Level.Iteration)
		public void countUnattributedLoads() {
			this.unattributedLoads = this.catalog.unattributedLoads();
		}

		@TearDown(Level.Iteration)
		public void checkLoadsCounted() {
			long escaped = this.catalog.unattributedLoads() - this.unattributedLoads;
			check(escaped == 0, escaped + " loads ran outside the benchmark threads: the loads counter misses them");
		}

		/**
		 * Print the oldest stale value served and, once the writes have stopped and the
		 * grace has passed, how many products each instance still serves stale; then
		 * close everything.
		 */
		@TearDown(Level.Trial)
		public void report() {
			try {
				quiesce();
				sleep(Math.max(this.graceMillis, 100));
				long[] stale = new long[this.instances.length];
				for (int i = 0; i < PRODUCTS; i++) {
					long id = VersionedCatalog.id(i);
					for (int j = 0; j < this.instances.length; j++) {
						stale[j] += (this.instances[j].find(id).version() < this.catalog.version(id)) ? 1 : 0;
					}
				}
				System.out.printf(Locale.ROOT,
						"%n%s: oldest stale value served: superseded %.1f ms before the read began; "
								+ "after the run, products served stale: %d (first instance), %d (second) of %d%n",
						this.what, this.oldestStaleNanos.get() / 1e6, stale[0], stale[1], PRODUCTS);
			}
			finally {
				close();
			}
		}

		/** Wait until whatever the last writes sent has been applied. */
		void quiesce() {
		}

		private void close() {
			try {
				this.first.close();
				this.second.close();
			}
			finally {
				this.redis.close();
			}
		}

		void check(boolean condition, String message) {
			BenchmarkContext.check(condition, this.what + ": " + message);
		}

	}

	@State(Scope.Benchmark)
	public static class TiercacheState extends Cluster {

		private TiercacheInternals firstTiercache;

		private TiercacheInternals secondTiercache;

		public TiercacheState() {
			super("tiercache", TiercacheApplication.class);
		}

		@Override
		void ready() {
			this.firstTiercache = this.first.tiercache();
			this.secondTiercache = this.second.tiercache();
			this.firstTiercache.awaitLocalTierTrusted();
			this.secondTiercache.awaitLocalTierTrusted();
		}

		@Override
		boolean localHits() {
			return true;
		}

		/**
		 * The second instance serves the product from its local tier until the first
		 * one's invalidation reaches it, then reloads the new version.
		 */
		@Override
		void verifyCrossInstance(long id) {
			check(this.secondTiercache.servesLocally("products", id),
					"the second instance's local tier does not hold the product");
			long version = this.catalog.version(id);
			this.instances[0].update(id);
			BenchmarkContext.await(() -> !this.secondTiercache.servesLocally("products", id), AWAIT,
					this.what + ": the first instance's invalidation to reach the second");
			long loads = this.catalog.loads();
			VersionedProduct read = this.instances[1].find(id);
			check(read.version() == version + 1, "the second instance read version " + read.version() + ", not "
					+ (version + 1) + ", after the invalidation reached it");
			check(this.catalog.loads() == loads + 1, "the second instance did not reload the invalidated product");
		}

		@Override
		void quiesce() {
			BenchmarkContext.await(() -> this.firstTiercache.steady() && this.secondTiercache.steady(), AWAIT,
					this.what + ": both instances to apply every invalidation");
		}

	}

	@State(Scope.Benchmark)
	public static class SpringRedisState extends Cluster {

		public SpringRedisState() {
			super("springRedis", SpringRedisApplication.class, "tiercache.enabled=false");
		}

		@Override
		boolean localHits() {
			return false;
		}

		/**
		 * One cache for both instances: once the first instance's eviction has reached
		 * Redis (it is sent asynchronously), the second reads the new version.
		 */
		@Override
		void verifyCrossInstance(long id) {
			long version = this.catalog.version(id);
			this.instances[0].update(id);
			BenchmarkContext.await(() -> this.instances[1].find(id).version() == version + 1, AWAIT,
					this.what + ": the second instance to read the version the first one wrote");
		}

	}

	@State(Scope.Benchmark)
	public static class SpringCaffeineState extends Cluster {

		public SpringCaffeineState() {
			super("springCaffeine", SpringCaffeineApplication.class, "tiercache.enabled=false");
		}

		@Override
		boolean localHits() {
			return true;
		}

		/**
		 * One cache per instance: the first instance evicts its own entry and reads the
		 * new version, while the second still serves the old one well after the grace:
		 * the staleness this variant is here to show.
		 */
		@Override
		void verifyCrossInstance(long id) {
			long version = this.catalog.version(id);
			this.instances[0].update(id);
			VersionedProduct writer = this.instances[0].find(id);
			check(writer.version() == version + 1,
					"the writing instance read version " + writer.version() + ", not its own write " + (version + 1));
			sleep(2 * Math.max(this.graceMillis, 100));
			VersionedProduct other = this.instances[1].find(id);
			check(other.version() == version, "the other instance read version " + other.version() + ", not the old "
					+ version + ": its cache is not its own");
		}

	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
