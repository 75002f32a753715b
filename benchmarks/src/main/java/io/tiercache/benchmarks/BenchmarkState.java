package io.tiercache.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A JMH state that runs one application, on an embedded Redis of its own, for the whole
 * trial: started in the trial setup and closed in the trial teardown, both inherited (JMH
 * runs the helper methods of a state's superclasses). A subclass names its application in
 * its constructor, looks up and checks its beans in {@link #started}, and may add helpers
 * of other levels; it declares {@code @State} itself.
 */
public abstract class BenchmarkState {

	private final Class<?> application;

	private final String[] properties;

	BenchmarkContext context;

	/**
	 * A state running the given application.
	 * @param application the application's configuration class
	 * @param properties extra properties in {@code name=value} form
	 */
	protected BenchmarkState(Class<?> application, String... properties) {
		this.application = application;
		this.properties = properties;
	}

	@Setup(Level.Trial)
	public void startContext() {
		this.context = BenchmarkContext.start(this.application, this.properties);
		started(this.context);
	}

	/**
	 * Called once the application runs: look up the beans the benchmark calls and check
	 * that they behave as the benchmark claims.
	 * @param context the running context
	 */
	abstract void started(BenchmarkContext context);

	@TearDown(Level.Trial)
	public void closeContext() {
		this.context.close();
	}

}
