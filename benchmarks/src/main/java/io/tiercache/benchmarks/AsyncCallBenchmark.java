package io.tiercache.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.tiercache.benchmarks.BenchmarkContext.Tier;
import io.tiercache.benchmarks.BenchmarkContext.TiercacheInternals;
import io.tiercache.benchmarks.RemoteHitBenchmark.TiercacheState;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How long the caller of a cached method waits on a Redis hit (local tier off), when the
 * method returns a {@code CompletableFuture} and when it returns the value:
 * <ul>
 * <li>{@code futureCallerTime}: the call only, up to the future's return. The future is
 * waited for after the call, in an invocation teardown that JMH does not time, so that
 * calls never pile up on tiercache's threads;</li>
 * <li>{@code futureJoined}: the call and the wait for its value, on this thread: the
 * whole latency, with the hand-off to tiercache's threads and back;</li>
 * <li>{@code plainCall}: the same hit through {@code Product find(long)}, whose round
 * trip runs on the caller's thread ({@link RemoteHitBenchmark#tiercacheL2Hit}).</li>
 * </ul>
 * Each setup checks that over two rounds of all {@link ProductIds} the method body never
 * runs and every call reaches Redis. Sample time, so that the percentiles show.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class AsyncCallBenchmark {

	@Benchmark
	public CompletableFuture<Product> futureCallerTime(FutureState state, Pending pending, ProductIds ids) {
		CompletableFuture<Product> future = state.products.findAsync(ids.next());
		pending.future = future;
		return future;
	}

	@Benchmark
	public Product futureJoined(FutureState state, ProductIds ids) {
		return state.products.findAsync(ids.next()).join();
	}

	@Benchmark
	public Product plainCall(TiercacheState state, ProductIds ids) {
		return state.products.find(ids.next());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FutureApplication {

		@Bean
		Products.TiercacheAsync tiercacheAsyncProducts() {
			return new Products.TiercacheAsync(Product::load);
		}

	}

	/** The future of the last timed call, waited for outside the timing. */
	@State(Scope.Thread)
	public static class Pending {

		@Nullable CompletableFuture<Product> future;

		@TearDown(Level.Invocation)
		public void await() {
			CompletableFuture<Product> future = this.future;
			if (future != null) {
				this.future = null;
				future.join();
			}
		}

	}

	@State(Scope.Benchmark)
	public static class FutureState extends HitState {

		Products.TiercacheAsync products;

		public FutureState() {
			super("futureCallerTime", FutureApplication.class, "tiercache.caches.products.local=false");
		}

		@Override
		ProductSource prepare(BenchmarkContext context) {
			TiercacheInternals tiercache = context.tiercache();
			tiercache.awaitLocalTierTrusted();
			this.products = context.bean(Products.TiercacheAsync.class);
			Products.TiercacheAsync products = this.products;
			// What the checks call: the future's value, through the proxy
			return preloaded(new ProductSource() {

				@Override
				public Product find(long id) {
					return products.findAsync(id).join();
				}

				@Override
				public long loads() {
					return products.loads();
				}

			}, Tier.REDIS);
		}

	}

}
