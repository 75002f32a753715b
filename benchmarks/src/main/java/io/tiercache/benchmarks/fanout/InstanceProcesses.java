package io.tiercache.benchmarks.fanout;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The instances of one run, stopped when it ends, and by a shutdown hook if the driver is
 * stopped first: no instance outlives the benchmark.
 */
final class InstanceProcesses implements AutoCloseable {

	private final List<InstanceProcess> instances = new CopyOnWriteArrayList<>();

	private final Thread hook = new Thread(this::stopAll, "fanout-instances-shutdown");

	InstanceProcesses() {
		Runtime.getRuntime().addShutdownHook(this.hook);
	}

	void start(int index, String role, int redisPort, Plan plan, PrintStream log) {
		this.instances.add(InstanceProcess.start(index, role, redisPort, plan, log));
	}

	List<InstanceProcess> all() {
		return this.instances;
	}

	private void stopAll() {
		this.instances.forEach(InstanceProcess::stop);
	}

	@Override
	public void close() {
		stopAll();
		try {
			Runtime.getRuntime().removeShutdownHook(this.hook);
		}
		catch (IllegalStateException ex) {
			// Shutting down already: the hook runs anyway.
		}
	}

}
