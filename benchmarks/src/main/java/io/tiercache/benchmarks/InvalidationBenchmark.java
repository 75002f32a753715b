package io.tiercache.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.tiercache.annotation.Cached;
import io.tiercache.store.TieredStore;
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
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Cost of invalidating one tag carried by {@code entries} cache entries:
 * <ul>
 * <li>{@code tiercache}: {@code TieredStore.invalidate(List.of(tag))}, one script that
 * bumps the sequence, records the tag's invalidation and publishes it; it never touches
 * the entries, so its cost should not depend on {@code entries};</li>
 * <li>{@code naiveSetIndex}: a hand-written set-based tag index ({@link NaiveTagIndex}):
 * {@code SMEMBERS}, {@code DEL} of every key, {@code DEL} of the set.</li>
 * </ul>
 * Only the invalidation is measured; entries are written outside it, each variant the way
 * its own write path leaves them:
 * <ul>
 * <li>tiercache: every iteration's setup loads all {@code entries} through the
 * {@code @Cached} method (each one a real L2 miss, load and validated write) and checks
 * that each was reloaded (the previous iteration's invalidation killed them) and is now
 * live. Later calls in the same iteration invalidate a tag whose entries are already
 * dead, which is the same work for tiercache: its script reads no entry;</li>
 * <li>naive: its invalidation deletes the entries, so a per-iteration setup would leave
 * every call but the first with nothing to delete. Each call gets its own setup instead
 * ({@code Level.Invocation}: one pipeline of {@code SET ... PX} per entry and one
 * {@code SADD} of every key, which is what {@link NaiveTagIndex#put} leaves behind). JMH
 * then timestamps each call; at tens of microseconds per call that costs well under
 * 1%.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class InvalidationBenchmark {

	private static final String GROUP = "bench";

	private static final String TAG = "group:" + GROUP;

	private static final Duration TTL = Duration.ofMinutes(10);

	@Benchmark
	public void tiercache(TiercacheState state) {
		state.store.invalidate(state.tags);
	}

	@Benchmark
	public long naiveSetIndex(NaiveState state) {
		return state.index.invalidate(TAG);
	}

	/**
	 * Products cached with a tag shared by every product of a group.
	 */
	public static class GroupedProducts {

		private long loads;

		@Cached(name = "grouped", ttl = "10m", tags = "'group:' + #group")
		public Product find(String group, long id) {
			this.loads++;
			return Product.load(id);
		}

		public long loads() {
			return this.loads;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TiercacheApplication {

		@Bean
		GroupedProducts groupedProducts() {
			return new GroupedProducts();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class NaiveApplication {

		@Bean
		NaiveTagIndex naiveTagIndex(StringRedisTemplate redis) {
			return new NaiveTagIndex(redis);
		}

	}

	@State(Scope.Benchmark)
	public static class TiercacheState extends BenchmarkState {

		@Param({ "1", "100", "10000" })
		public int entries;

		GroupedProducts products;

		TieredStore store;

		final List<String> tags = List.of(TAG);

		public TiercacheState() {
			// L1 on, as by default, and big enough to hold every entry
			super(TiercacheApplication.class, "tiercache.local.maximum-size=20000");
		}

		@Override
		void started(BenchmarkContext context) {
			this.store = context.bean(TieredStore.class);
			context.tiercache().awaitLocalTierTrusted();
			this.products = context.bean(GroupedProducts.class);
			// The invalidation reaches entries carrying the tag (in another group, so
			// that the iterations' own checks stay exact)
			this.products.find("check", 1);
			this.products.find("check", 1);
			long before = this.products.loads();
			this.store.invalidate(List.of("group:check"));
			this.products.find("check", 1);
			BenchmarkContext.check(this.products.loads() == before + 1,
					"tiercache: an invalidated entry was served again");
		}

		@Setup(Level.Iteration)
		public void loadEntries() {
			long before = this.products.loads();
			for (int i = 0; i < this.entries; i++) {
				this.products.find(GROUP, i);
			}
			long loaded = this.products.loads() - before;
			BenchmarkContext.check(loaded == this.entries,
					"tiercache: " + loaded + " of " + this.entries + " entries were loaded; the rest were still live");
			before = this.products.loads();
			for (int i = 0; i < this.entries; i++) {
				this.products.find(GROUP, i);
			}
			BenchmarkContext.check(this.products.loads() == before, "tiercache: entries were not cached");
		}

	}

	@State(Scope.Benchmark)
	public static class NaiveState extends BenchmarkState {

		@Param({ "1", "100", "10000" })
		public int entries;

		NaiveTagIndex index;

		List<String> keys;

		String value;

		public NaiveState() {
			super(NaiveApplication.class, "tiercache.enabled=false");
		}

		@Override
		void started(BenchmarkContext context) {
			this.index = context.bean(NaiveTagIndex.class);
			this.keys = new ArrayList<>(this.entries);
			for (int i = 0; i < this.entries; i++) {
				this.keys.add("naive:e:grouped:" + i);
			}
			Product product = Product.load(ProductIds.FIRST);
			this.value = "{\"id\":" + product.id() + ",\"name\":\"" + product.name() + "\",\"priceCents\":"
					+ product.priceCents() + "}";
			// The write path and the bulk setup leave the same state, and invalidation
			// removes it
			this.index.put("naive:e:check", this.value, TTL, "check");
			BenchmarkContext.check(this.index.invalidate("check") == 1, "naive: put/invalidate mismatch");
			restore();
			BenchmarkContext.check(
					this.index.existing(this.keys) == this.entries && this.index.indexSize(TAG) == this.entries,
					"naive: setup did not write " + this.entries + " entries");
			long deleted = this.index.invalidate(TAG);
			BenchmarkContext.check(
					deleted == this.entries && this.index.existing(this.keys) == 0 && this.index.indexSize(TAG) == 0,
					"naive: invalidation deleted " + deleted + " entries");
		}

		@Setup(Level.Invocation)
		public void restore() {
			this.index.putAll(this.keys, this.value, TTL, TAG);
		}

	}

}
