package io.tiercache.consistency;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults of instances running as processes of their own, each on an instance picked at
 * random: stopped and continued, killed or terminated and started again. A new
 * incarnation runs its workers until the run's deadline, once its application has
 * started.
 */
final class ProcessFaults implements InstanceFaults {

	private final List<InstanceProcess> instances;

	private final long deadline;

	ProcessFaults(List<InstanceProcess> instances, long deadline) {
		this.instances = instances;
		this.deadline = deadline;
	}

	@Override
	public String stop(Duration hold) {
		InstanceProcess target = pick();
		target.stop();
		try {
			Pause.sleep(hold);
		}
		finally {
			target.resume();
		}
		return "stopped instance " + target.index() + " for " + hold.toMillis() + " ms";
	}

	@Override
	public String kill() {
		InstanceProcess target = pick();
		target.kill();
		target.launch(this.deadline);
		return "killed instance " + target.index() + ", started it again";
	}

	@Override
	public String terminate() {
		InstanceProcess target = pick();
		long start = System.nanoTime();
		int status = target.terminate();
		long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
		target.launch(this.deadline);
		return "terminated instance " + target.index() + " (shut down in " + millis + " ms, exit status " + status
				+ "), started it again";
	}

	private InstanceProcess pick() {
		return this.instances.get(ThreadLocalRandom.current().nextInt(this.instances.size()));
	}

}
