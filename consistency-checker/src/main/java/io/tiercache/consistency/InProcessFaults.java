package io.tiercache.consistency;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.tiercache.fanout.InvalidationSubscriber;

/**
 * Faults of instances in the checker's JVM: losing messages in transit, through the
 * subscriber's message filter.
 */
final class InProcessFaults implements InstanceFaults {

	/** Share of messages the {@code drop} fault loses on its instance. */
	private static final double DROP_PROBABILITY = 0.5;

	private final List<Instance> instances;

	private final AtomicLong droppedMessages = new AtomicLong();

	InProcessFaults(List<Instance> instances) {
		this.instances = instances;
	}

	@Override
	public String dropMessages(Duration hold) {
		Instance target = this.instances.get(ThreadLocalRandom.current().nextInt(this.instances.size()));
		InvalidationSubscriber subscriber = target.subscriber();
		AtomicLong seen = new AtomicLong();
		AtomicLong dropped = new AtomicLong();
		subscriber.setMessageFilter((message) -> {
			seen.incrementAndGet();
			if (ThreadLocalRandom.current().nextDouble() < DROP_PROBABILITY) {
				dropped.incrementAndGet();
				return false;
			}
			return true;
		});
		try {
			Pause.sleep(hold);
		}
		finally {
			subscriber.setMessageFilter((message) -> true);
		}
		this.droppedMessages.addAndGet(dropped.get());
		return "instance " + target.index() + " dropped " + dropped + " of " + seen + " messages";
	}

	long droppedMessages() {
		return this.droppedMessages.get();
	}

}
