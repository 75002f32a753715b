package io.tiercache.benchmarks.fanout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.tiercache.store.LocalTrust;
import io.tiercache.store.TieredStore;
import org.HdrHistogram.Histogram;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * One instance of the fan-out benchmark, in a process of its own, started by
 * {@link FanoutDelivery}: a Spring Boot application (no web server) with tiercache over
 * the benchmark's Redis. The publisher invalidates one tag per call at the {@link Plan}'s
 * fixed rate through {@link TieredStore#invalidate}; every other instance, a receiver,
 * records each invalidation it applies.
 * <p>
 * The tag says which invalidation it is and when it was sent:
 * {@code fanout:<number>:<nanos>}, {@code nanos} being the publisher's
 * {@link System#nanoTime()} just before its call. On Linux that is
 * {@code CLOCK_MONOTONIC}, one clock for every process of the host, so a receiver reads
 * {@code System.nanoTime()} again when its {@link LocalTrust} applies the tag (an
 * {@link LocalTrust.ApplyListener}, told on the subscription's thread once the tag's
 * state has advanced, when no entry carrying the tag is served any more) and records the
 * difference.
 * <p>
 * It talks to the driver in lines: commands on its standard input ({@code go} to the
 * publisher, {@code report} to a receiver), and what it has to say on its standard output
 * after {@link #PREFIX} ({@code ready}, then {@code sent ...} or {@code result ...});
 * everything else it prints is its log. If its standard input closes while it waits for a
 * command, the driver is gone and it exits: it outlives the driver by one phase at most.
 */
public final class FanoutInstance {

	/** Marks the lines of standard output meant for the driver. */
	static final String PREFIX = "@@fanout ";

	static final String PUBLISHER = "publisher";

	static final String RECEIVER = "receiver";

	private static final String TAG_PREFIX = "fanout:";

	/**
	 * The publisher's threads that call {@link TieredStore#invalidate}: several, so that
	 * a call taking longer than the interval between two does not delay the next.
	 */
	private static final int SENDERS = 4;

	/** How long a receiver waits for invalidations still on their way when asked. */
	private static final Duration DRAIN = Duration.ofSeconds(10);

	private FanoutInstance() {
	}

	/**
	 * Run one instance.
	 * @param args the role ({@code publisher} or {@code receiver}), Redis's port, and the
	 * plan ({@link Plan#arguments()})
	 */
	public static void main(String[] args) throws Exception {
		String role = args[0];
		int port = Integer.parseInt(args[1]);
		Plan plan = Plan.parse(args, 2);
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		try (ConfigurableApplicationContext context = start(port)) {
			TieredStore store = context.getBean(TieredStore.class);
			// Listening before ready: nothing is published before every instance is.
			Receiver receiver = RECEIVER.equals(role) ? new Receiver(plan, store.trust()) : null;
			awaitTrusted(store);
			tell("ready");
			if (receiver != null) {
				await(commands, "report");
				receiver.awaitAll(DRAIN);
				tell("result " + receiver.result());
			}
			else {
				await(commands, "go");
				tell("sent " + publish(store, plan));
			}
		}
		// Lettuce and Spring may leave non-daemon threads behind
		System.exit(0);
	}

	private static ConfigurableApplicationContext start(int port) {
		return new SpringApplicationBuilder(FanoutApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + port, "tiercache.enabled=true",
					"logging.level.root=WARN", "spring.jmx.enabled=false",
					// The embedded Redis's version is known: its warning, once
					// per instance, would only bury the results.
					"logging.level.io.tiercache.redis.ServerVersionCheck=ERROR")
			.run();
	}

	/**
	 * Wait until the invalidation subscription is confirmed: from then on every
	 * invalidation published reaches this instance.
	 */
	private static void awaitTrusted(TieredStore store) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!store.trust().trusted()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"The invalidation subscription was not confirmed within 60 s: " + store.trust());
			}
			Thread.sleep(10);
		}
	}

	private static void await(BufferedReader commands, String command) throws IOException {
		String line = commands.readLine();
		if (line == null) {
			// The driver is gone: so is the benchmark.
			System.exit(2);
		}
		if (!line.equals(command)) {
			throw new IllegalStateException("Expected '" + command + "' from the driver, got '" + line + "'");
		}
	}

	private static void tell(String message) {
		System.out.println(PREFIX + message);
		System.out.flush();
	}

	/**
	 * Send every invalidation of the plan when it is due, then wait until none is queued
	 * for a retry. The pacing thread hands each one to {@link #SENDERS} threads when it
	 * is due, as requests arriving independently would: a slow call (a cold JIT, a busy
	 * core) holds up no later one, and the pace never turns into a burst to catch up.
	 * @return what was sent in the measured period: {@code measured=<count>}, and two
	 * histograms: how late each call started after it was due, and how long it took
	 */
	private static String publish(TieredStore store, Plan plan) throws InterruptedException {
		Histogram lateness = Histograms.nanos();
		Histogram calls = Histograms.nanos();
		AtomicInteger measured = new AtomicInteger();
		ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
		long start = System.nanoTime();
		for (int number = 0; number < plan.total(); number++) {
			long due = start + plan.dueNanos(number);
			// Parked, not spinning: the receivers need the cores more than the pace
			// needs microseconds; how late each call starts is recorded.
			for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
				LockSupport.parkNanos(wait);
			}
			int sending = number;
			senders.execute(() -> {
				long sent = System.nanoTime();
				store.invalidate(List.of(TAG_PREFIX + sending + ":" + sent));
				long returned = System.nanoTime();
				if (plan.isMeasured(sending)) {
					measured.incrementAndGet();
					synchronized (lateness) {
						lateness.recordValue(sent - due);
						calls.recordValue(returned - sent);
					}
				}
			});
		}
		senders.shutdown();
		if (!senders.awaitTermination(DRAIN.toNanos(), TimeUnit.NANOSECONDS)) {
			throw new IllegalStateException("Invalidations still being sent " + DRAIN + " after the last was due");
		}
		long deadline = System.nanoTime() + DRAIN.toNanos();
		while (store.pendingInvalidations() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		synchronized (lateness) {
			return "measured=" + measured.get() + " queued=" + store.pendingInvalidations() + " lateness="
					+ Histograms.encode(lateness) + " calls=" + Histograms.encode(calls);
		}
	}

	/** The application: tiercache's auto-configuration, and nothing cached. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FanoutApplication {

	}

	/**
	 * What a receiver records: which invalidations it applied, how often one came twice,
	 * and the delay of each measured one.
	 */
	static final class Receiver {

		private final Plan plan;

		private final BitSet applied = new BitSet();

		private final Histogram delays = Histograms.nanos();

		private long duplicates;

		private long clears;

		Receiver(Plan plan, LocalTrust trust) {
			this.plan = plan;
			trust.addApplyListener((epoch, seq, tags) -> {
				// Read first: the delay ends when the tag's state has advanced.
				long now = System.nanoTime();
				for (String tag : tags) {
					if (tag.startsWith(TAG_PREFIX)) {
						applied(tag, now);
					}
				}
			});
			// A lost message shows up as a gap, which clears the local tier; so would a
			// lost subscription.
			trust.addClearListener((reason) -> cleared());
		}

		private synchronized void applied(String tag, long now) {
			int separator = tag.indexOf(':', TAG_PREFIX.length());
			int number = Integer.parseInt(tag.substring(TAG_PREFIX.length(), separator));
			long sent = Long.parseLong(tag.substring(separator + 1));
			if (this.applied.get(number)) {
				this.duplicates++;
				return;
			}
			this.applied.set(number);
			if (this.plan.isMeasured(number)) {
				this.delays.recordValue(Math.max(0, now - sent));
			}
			notifyAll();
		}

		private synchronized void cleared() {
			this.clears++;
		}

		/** Wait until every invalidation of the plan was applied, or the time is up. */
		synchronized void awaitAll(Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (this.applied.cardinality() < this.plan.total()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return;
				}
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
		}

		/**
		 * What was recorded: {@code received} (measured invalidations applied),
		 * {@code firstMissing} (the number of the first measured one not applied, -1 if
		 * none), {@code duplicates}, {@code clears} (of the local tier, since startup),
		 * and the {@code delays} of the measured ones.
		 */
		synchronized String result() {
			int from = this.plan.firstMeasured();
			int firstMissing = this.applied.nextClearBit(from);
			return "received=" + this.applied.get(from, this.plan.total()).cardinality() + " firstMissing="
					+ ((firstMissing < this.plan.total()) ? firstMissing : -1) + " duplicates=" + this.duplicates
					+ " clears=" + this.clears + " delays=" + Histograms.encode(this.delays);
		}

	}

}
