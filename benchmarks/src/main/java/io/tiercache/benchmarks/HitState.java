package io.tiercache.benchmarks;

import io.tiercache.benchmarks.BenchmarkContext.Tier;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state of a hit benchmark: before the trial its bean holds every id of
 * {@link ProductIds} and is checked to hit, and after every iteration its body must not
 * have run, so that a result never mixes hits with misses. A subclass keeps the bean in a
 * field of its own type (what the benchmark method calls) and returns it from
 * {@link #prepare}.
 */
public abstract class HitState extends BenchmarkState {

	/** The benchmark method, for messages. */
	final String what;

	private ProductSource products;

	private long loads;

	/**
	 * A state for the given benchmark method.
	 * @param what the benchmark method
	 * @param application the application's configuration class
	 * @param properties extra properties in {@code name=value} form
	 */
	protected HitState(String what, Class<?> application, String... properties) {
		super(application, properties);
		this.what = what;
	}

	@Override
	final void started(BenchmarkContext context) {
		this.products = prepare(context);
		this.loads = this.products.loads();
	}

	/**
	 * Look up the bean, usually through {@link #preloaded}, and check what else the
	 * variant claims.
	 * @param context the running context
	 * @return the bean the benchmark calls
	 */
	abstract ProductSource prepare(BenchmarkContext context);

	/**
	 * Load every id through the bean, then check that they all hit where they should.
	 * @param <P> the bean's type
	 * @param products the bean
	 * @param tier where the hits must come from
	 * @return the bean
	 */
	<P extends ProductSource> P preloaded(P products, Tier tier) {
		BenchmarkContext.preload(products);
		this.context.verifyHits(this.what, products::loads, products::find, tier);
		return products;
	}

	@TearDown(Level.Iteration)
	public void checkAllHit() {
		this.loads = BenchmarkContext.checkNoLoads(this.what, this.products, this.loads);
	}

}
