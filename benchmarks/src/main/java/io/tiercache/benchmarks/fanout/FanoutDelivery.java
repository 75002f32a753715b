package io.tiercache.benchmarks.fanout;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.tiercache.test.EmbeddedRedis;
import org.HdrHistogram.Histogram;

/**
 * Fan-out delivery across processes: one embedded Redis, {@code instances} tiercache
 * instances each in a JVM of its own ({@link FanoutInstance}); instance 0 invalidates one
 * tag at a time at a fixed rate, and every other instance records how long each
 * invalidation took from the publisher's call to its application there. Prints, per
 * receiving instance and merged, the invalidations sent and received and the delays'
 * percentiles; exits with 1 if any instance missed an invalidation of the measured
 * period. Options as system properties: {@code instances} (4), {@code rate} (1000 per
 * second), {@code warmup} (5 s), {@code seconds} (30).
 */
public final class FanoutDelivery {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	/** Beyond the plan's own duration, for the publisher to finish and report. */
	private static final Duration SLACK = Duration.ofSeconds(60);

	private FanoutDelivery() {
	}

	public static void main(String[] args) throws Exception {
		Settings settings = new Settings(Integer.getInteger("instances", 4), new Plan(Integer.getInteger("rate", 1000),
				Integer.getInteger("warmup", 5), Integer.getInteger("seconds", 30)));
		Report report = run(settings, System.out);
		report.print(System.out);
		if (!report.complete()) {
			report.failures().forEach(System.err::println);
		}
		System.exit(report.complete() ? 0 : 1);
	}

	/**
	 * Start Redis and the instances, run the plan, collect what each instance recorded,
	 * and stop them all.
	 * @param settings how many instances, and the plan
	 * @param log where progress and the instances' own output go
	 * @return what the receivers recorded
	 * @throws IllegalStateException if an instance fails, exits early or does not answer
	 * in time
	 */
	public static Report run(Settings settings, PrintStream log) throws InterruptedException {
		Plan plan = settings.plan();
		String loadBefore = loadAverage();
		try (EmbeddedRedis redis = EmbeddedRedis.start(); InstanceProcesses instances = new InstanceProcesses()) {
			log.printf(Locale.ROOT, "Starting %d instances against Redis on port %d%n", settings.instances(),
					redis.port());
			for (int index = 0; index < settings.instances(); index++) {
				instances.start(index, (index == 0) ? FanoutInstance.PUBLISHER : FanoutInstance.RECEIVER, redis.port(),
						plan, log);
			}
			for (InstanceProcess instance : instances.all()) {
				instance.await("ready", STARTUP);
			}
			log.printf(Locale.ROOT, "Publishing %d/s: %d s warm-up, %d s measured%n", plan.rate(), plan.warmupSeconds(),
					plan.seconds());
			InstanceProcess publisher = instances.all().get(0);
			publisher.command("go");
			InstanceMessage sent = publisher.await("sent",
					Duration.ofSeconds(plan.warmupSeconds() + plan.seconds()).plus(SLACK));
			List<Receiver> receivers = new ArrayList<>();
			for (InstanceProcess instance : instances.all().subList(1, settings.instances())) {
				instance.command("report");
			}
			for (InstanceProcess instance : instances.all().subList(1, settings.instances())) {
				InstanceMessage result = instance.await("result", SLACK);
				receivers.add(new Receiver(instance.index(), sent.number("measured"), result.number("received"),
						result.number("firstMissing"), result.number("duplicates"), result.number("clears"),
						result.histogram("delays")));
			}
			for (InstanceProcess instance : instances.all()) {
				instance.awaitExit(SLACK);
			}
			return new Report(settings, receivers, sent.number("queued"), sent.histogram("lateness"),
					sent.histogram("calls"), loadBefore, loadAverage());
		}
	}

	static String loadAverage() {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		return (load < 0) ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
	}

	/**
	 * How the benchmark runs.
	 *
	 * @param instances how many instances, the publisher included; at least 2
	 * @param plan what the publisher sends
	 */
	public record Settings(int instances, Plan plan) {

		public Settings {
			if (instances < 2) {
				throw new IllegalArgumentException("A publisher and at least one receiver: " + instances);
			}
		}

		/**
		 * Settings for a plan.
		 * @param instances how many instances, the publisher included
		 * @param rate invalidations per second
		 * @param warmupSeconds the warm-up
		 * @param seconds the measured period
		 * @return the settings
		 */
		public static Settings of(int instances, int rate, int warmupSeconds, int seconds) {
			return new Settings(instances, new Plan(rate, warmupSeconds, seconds));
		}

	}

	/**
	 * What one receiving instance recorded of the measured period.
	 *
	 * @param index the instance's number (the publisher is 0)
	 * @param sent invalidations the publisher sent
	 * @param received distinct ones this instance applied
	 * @param firstMissing the number of the first one it did not apply, -1 if none
	 * @param duplicates how many it applied more than once (over the whole run)
	 * @param clears how often its local tier was cleared (over the whole run)
	 * @param delays from the publisher's call to the application here, in nanoseconds,
	 * one value per invalidation received
	 */
	public record Receiver(int index, long sent, long received, long firstMissing, long duplicates, long clears,
			Histogram delays) {

		public long missing() {
			return this.sent - this.received;
		}

	}

	/**
	 * The outcome of a run.
	 *
	 * @param settings how it ran
	 * @param receivers what each receiving instance recorded
	 * @param queued invalidations the publisher still had queued for a retry at the end
	 * @param lateness how late the publisher's calls started after they were due, in
	 * nanoseconds
	 * @param calls how long {@code TieredStore.invalidate} took on the publisher, in
	 * nanoseconds
	 * @param loadBefore the load average before the instances started
	 * @param loadAfter the load average at the end
	 */
	public record Report(Settings settings, List<Receiver> receivers, long queued, Histogram lateness, Histogram calls,
			String loadBefore, String loadAfter) {

		/** Every receiving instance's delays, merged. */
		public Histogram merged() {
			Histogram merged = Histograms.nanos();
			this.receivers.forEach((receiver) -> merged.add(receiver.delays()));
			return merged;
		}

		/** Whether every instance applied every invalidation of the measured period. */
		public boolean complete() {
			return failures().isEmpty();
		}

		/** What went missing, one line per receiving instance that missed something. */
		public List<String> failures() {
			List<String> failures = new ArrayList<>();
			for (Receiver receiver : this.receivers) {
				if (receiver.missing() != 0) {
					failures.add(String.format(Locale.ROOT,
							"Instance %d applied %d of the %d invalidations sent (first missing: #%d)",
							receiver.index(), receiver.received(), receiver.sent(), receiver.firstMissing()));
				}
			}
			if (this.queued != 0) {
				failures.add("The publisher still had " + this.queued + " invalidations queued for a retry");
			}
			return failures;
		}

		void print(PrintStream out) {
			Plan plan = this.settings.plan();
			out.println();
			out.printf(Locale.ROOT,
					"Fan-out delivery: %d instances in separate JVMs (1 publisher, %d receiving), one embedded Redis; "
							+ "%d invalidations/s, %d s warm-up, %d s measured; %d cores, Java %s; "
							+ "load average %s before, %s after%n",
					this.settings.instances(), this.receivers.size(), plan.rate(), plan.warmupSeconds(), plan.seconds(),
					Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), this.loadBefore,
					this.loadAfter);
			out.println("Delay from the publisher's call of TieredStore.invalidate to the receiver's LocalTrust "
					+ "applying the tag, in microseconds:");
			out.println();
			out.println("| instance | sent | received | missing | samples | p50 | p90 | p99 | p99.9 | max |");
			out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
			long sent = 0;
			long received = 0;
			for (Receiver receiver : this.receivers) {
				out.printf(Locale.ROOT, "| %d | %d | %d | %d | %d | %s |%n", receiver.index(), receiver.sent(),
						receiver.received(), receiver.missing(), receiver.delays().getTotalCount(),
						Histograms.cells(receiver.delays()));
				sent += receiver.sent();
				received += receiver.received();
			}
			Histogram merged = merged();
			out.printf(Locale.ROOT, "| all receivers | %d | %d | %d | %d | %s |%n", sent, received, sent - received,
					merged.getTotalCount(), Histograms.cells(merged));
			out.println();
			out.println("Publisher (measured period), in microseconds:");
			out.println();
			out.println("| | p50 | p90 | p99 | p99.9 | max |");
			out.println("| --- | --- | --- | --- | --- | --- |");
			out.printf(Locale.ROOT, "| call started after it was due | %s |%n", Histograms.cells(this.lateness));
			out.printf(Locale.ROOT, "| TieredStore.invalidate call | %s |%n", Histograms.cells(this.calls));
			out.println();
			for (Receiver receiver : this.receivers) {
				if (receiver.duplicates() != 0 || receiver.clears() != 0) {
					out.printf(Locale.ROOT,
							"Instance %d: %d invalidations applied twice, local tier cleared %d times%n",
							receiver.index(), receiver.duplicates(), receiver.clears());
				}
			}
			out.println(complete() ? "Every receiver applied every invalidation."
					: "INCOMPLETE: " + String.join("; ", failures()));
		}

	}

}
