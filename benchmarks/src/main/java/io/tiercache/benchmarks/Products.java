package io.tiercache.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.tiercache.annotation.Cached;

import org.springframework.cache.annotation.Cacheable;

/**
 * The cached beans that the benchmarks compare: {@code Product find(long id)} behind
 * tiercache's {@code @Cached} or Spring's {@code @Cacheable}, all in a cache named
 * {@code products}, each counting how often its body ran. What the body does is given
 * when the bean is created: {@link Product#load} for the hit benchmarks, a slow query for
 * the stampede.
 */
public final class Products {

	private Products() {
	}

	/**
	 * Counts the loads and hands them to the "database". Thread-safe, for the stampede's
	 * many callers; the hit benchmarks read the count only between iterations.
	 */
	public abstract static class Counting implements ProductSource {

		private final LongFunction<Product> database;

		private final AtomicLong loads = new AtomicLong();

		Counting(LongFunction<Product> database) {
			this.database = database;
		}

		/**
		 * What the cached method runs on a miss.
		 * @param id the id
		 * @return the product from the database
		 */
		final Product load(long id) {
			this.loads.incrementAndGet();
			return this.database.apply(id);
		}

		// Not final: the beans are class-based proxies, which forward this to the target
		// (their own fields are unset)
		@Override
		public long loads() {
			return this.loads.get();
		}

	}

	/** tiercache. */
	public static class Tiercache extends Counting {

		public Tiercache(LongFunction<Product> database) {
			super(database);
		}

		@Override
		@Cached(name = "products", ttl = "10m", tags = "'p:' + #id")
		public Product find(long id) {
			return load(id);
		}

	}

	/**
	 * tiercache on a method returning a future, as {@code AsyncCallBenchmark} calls it;
	 * {@link #find} waits for that future, for the checks that need a value.
	 */
	public static class TiercacheAsync extends Counting {

		public TiercacheAsync(LongFunction<Product> database) {
			super(database);
		}

		@Cached(name = "products", ttl = "10m", tags = "'p:' + #id")
		public CompletableFuture<Product> findAsync(long id) {
			return CompletableFuture.completedFuture(load(id));
		}

		// Not cached itself: through the proxy, it calls the proxy's findAsync
		@Override
		public Product find(long id) {
			throw new UnsupportedOperationException("Call findAsync through the proxy");
		}

	}

	/** Spring's cache abstraction, no synchronization asked for. */
	public static class Spring extends Counting {

		public Spring(LongFunction<Product> database) {
			super(database);
		}

		@Override
		@Cacheable("products")
		public Product find(long id) {
			return load(id);
		}

	}

	/** Spring's cache abstraction, synchronized as far as the cache supports it. */
	public static class SpringSync extends Counting {

		public SpringSync(LongFunction<Product> database) {
			super(database);
		}

		@Override
		@Cacheable(cacheNames = "products", sync = true)
		public Product find(long id) {
			return load(id);
		}

	}

}
