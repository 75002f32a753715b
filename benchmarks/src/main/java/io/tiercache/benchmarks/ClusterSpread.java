package io.tiercache.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.test.EmbeddedRedisCluster;
import io.tiercache.test.RedisProcess;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How tiercache's own Redis work spreads over a cluster's masters: a fixed number of
 * reads and invalidations over many tags, on clusters of one, two and three masters, with
 * what each master ran ({@code INFO commandstats}, counting the commands scripts run) and
 * the keys every command touched ({@code MONITOR} on every master). Not a speed
 * benchmark: counts, which a loaded machine does not change.
 * <p>
 * Run it with {@code java -cp benchmarks/target/benchmarks.jar
 * io.tiercache.benchmarks.ClusterSpread [operations]} after {@code ./mvnw -pl benchmarks
 * -am package -DskipTests}.
 */
public final class ClusterSpread {

	/** Items read and invalidated: each carries its own tag and one of its category's. */
	static final int ITEMS = 20_000;

	/** Categories, each the tag of {@value #ITEMS} / {@value #CATEGORIES} items. */
	static final int CATEGORIES = 500;

	private ClusterSpread() {
	}

	/**
	 * Measure on clusters of one to three masters and print the table.
	 * @param args the number of operations of each phase, 3000 unless given
	 */
	public static void main(String[] args) {
		int operations = (args.length > 0) ? Integer.parseInt(args[0]) : 3000;
		System.out.println("| masters | phase | commands per operation | server µs per operation "
				+ "| share of commands per master | hottest key's share |");
		System.out.println("| --- | --- | --- | --- | --- | --- |");
		List<Phase> three = List.of();
		for (int masters = 1; masters <= 3; masters++) {
			List<Phase> phases = measure(masters, operations);
			for (Phase phase : phases) {
				System.out.println(phase.row(masters));
			}
			three = phases;
		}
		System.out.println();
		System.out.println("Commands per master on three masters, by command:");
		for (Phase phase : three) {
			System.out.println(phase.name() + ":");
			for (CommandStats stats : phase.perMaster()) {
				System.out.println("  " + new TreeMap<>(stats.byCommand()));
			}
		}
	}

	/**
	 * Start a cluster of {@code masters} masters and an application on it, and run three
	 * phases of {@code operations} operations each: reads that load (the first read of
	 * each item), reads that hit in Redis, and a mix of 90% reads and 10% invalidations.
	 * @param masters how many masters
	 * @param operations operations per phase
	 * @return what each phase cost the masters
	 */
	static List<Phase> measure(int masters, int operations) {
		return measure(masters, operations, 128);
	}

	/**
	 * As {@link #measure(int, int)}, with a given number of slot groups.
	 * @param masters how many masters
	 * @param operations operations per phase
	 * @param groups the application's {@code tiercache.redis.slot-groups}
	 * @return what each phase cost the masters
	 */
	static List<Phase> measure(int masters, int operations, int groups) {
		try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(masters, 0);
				ConfigurableApplicationContext context = start(cluster, groups)) {
			Catalog catalog = context.getBean(Catalog.class);
			SplittableRandom random = new SplittableRandom(42);
			List<Phase> phases = new ArrayList<>();
			phases.add(phase("first reads (miss, load, store)", cluster, operations, (i) -> catalog.item(i)));
			phases.add(phase("reads (Redis hit)", cluster, operations, (i) -> catalog.item(i % operations)));
			phases.add(phase("invalidations", cluster, operations, (i) -> catalog.update(i)));
			phases.add(phase("mix: 90% reads, 10% invalidations", cluster, operations, (i) -> {
				long id = random.nextInt(ITEMS);
				if (random.nextInt(10) == 0) {
					catalog.update(id);
				}
				else {
					catalog.item(id);
				}
			}));
			return phases;
		}
	}

	private static ConfigurableApplicationContext start(EmbeddedRedisCluster cluster, int groups) {
		return new SpringApplicationBuilder(SpreadApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("spring.data.redis.cluster.nodes=" + cluster.nodesProperty(), "logging.level.root=WARN",
					"spring.jmx.enabled=false", "tiercache.redis.command-timeout=2s",
					"tiercache.redis.slot-groups=" + groups)
			.run();
	}

	private static Phase phase(String name, EmbeddedRedisCluster cluster, int operations, Operation operation) {
		List<RedisProcess> masters = cluster.masters();
		List<Monitor> monitors = new ArrayList<>();
		for (RedisProcess master : masters) {
			monitors.add(Monitor.start(master));
		}
		List<CommandStats> before = new ArrayList<>();
		for (RedisProcess master : masters) {
			before.add(CommandStats.of(master));
		}
		for (long i = 0; i < operations; i++) {
			operation.run(i);
		}
		List<CommandStats> used = new ArrayList<>();
		for (int m = 0; m < masters.size(); m++) {
			used.add(CommandStats.of(masters.get(m)).minus(before.get(m)));
		}
		Map<String, Long> keys = new HashMap<>();
		for (Monitor monitor : monitors) {
			monitor.close();
			monitor.keys.forEach((key, count) -> keys.merge(key, count.sum(), Long::sum));
		}
		return new Phase(name, operations, used, keys);
	}

	/** One operation of a phase: the loop index. */
	@FunctionalInterface
	interface Operation {

		void run(long i);

	}

	/**
	 * What a phase cost.
	 *
	 * @param name the phase
	 * @param operations how many operations it made
	 * @param perMaster commands and server time of each master
	 * @param keys commands per key, over every master, as {@code MONITOR} saw them
	 */
	record Phase(String name, int operations, List<CommandStats> perMaster, Map<String, Long> keys) {

		long commands() {
			return this.perMaster.stream().mapToLong(CommandStats::calls).sum();
		}

		/**
		 * Each master's share of the phase's commands.
		 * @return the shares, in the order of the cluster's masters
		 */
		List<Double> shares() {
			long total = commands();
			return this.perMaster.stream().map((stats) -> (double) stats.calls() / total).toList();
		}

		/**
		 * The key that the most commands touched, with its count.
		 * @return the key and count
		 */
		Map.Entry<String, Long> hottestKey() {
			return this.keys.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(Map.entry("", 0L));
		}

		/**
		 * The hottest key's share of every command that touched a key.
		 * @return the share
		 */
		double hottestKeyShare() {
			long touched = this.keys.values().stream().mapToLong(Long::longValue).sum();
			return (touched == 0) ? 0 : (double) hottestKey().getValue() / touched;
		}

		String row(int masters) {
			long micros = this.perMaster.stream().mapToLong(CommandStats::micros).sum();
			StringBuilder shares = new StringBuilder();
			for (double share : shares()) {
				shares.append((shares.length() > 0) ? " / " : "").append(Math.round(share * 100)).append('%');
			}
			return String.format("| %d | %s | %.1f | %.1f | %s | %.2f%% (%s) |", masters, this.name,
					(double) commands() / this.operations, (double) micros / this.operations, shares,
					hottestKeyShare() * 100, hottestKey().getKey());
		}

	}

	/**
	 * A master's command count and time, from {@code INFO commandstats}; commands a
	 * script runs count there too.
	 *
	 * @param calls commands, less the {@code INFO} and {@code MONITOR} of the measurement
	 * @param micros server time they took
	 */
	record CommandStats(long calls, long micros, Map<String, Long> byCommand) {

		static CommandStats of(RedisProcess master) {
			long calls = 0;
			long micros = 0;
			Map<String, Long> byCommand = new HashMap<>();
			for (String line : ((String) master.command("INFO", "commandstats")).split("\r\n")) {
				if (!line.startsWith("cmdstat_") || line.startsWith("cmdstat_monitor:")) {
					continue;
				}
				String command = line.substring("cmdstat_".length(), line.indexOf(':'));
				for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
					if (field.startsWith("calls=")) {
						long count = Long.parseLong(field.substring(6));
						calls += count;
						byCommand.put(command, count);
					}
					else if (field.startsWith("usec=")) {
						micros += Long.parseLong(field.substring(5));
					}
				}
			}
			return new CommandStats(calls, micros, byCommand);
		}

		CommandStats minus(CommandStats earlier) {
			Map<String, Long> byCommand = new HashMap<>();
			this.byCommand.forEach((command, count) -> {
				long used = count - earlier.byCommand.getOrDefault(command, 0L);
				if (used > 0) {
					byCommand.put(command, used);
				}
			});
			// Less the INFO that read these statistics
			byCommand.computeIfPresent("info", (command, count) -> (count > 1) ? count - 1 : null);
			return new CommandStats(this.calls - earlier.calls - 1, this.micros - earlier.micros, byCommand);
		}

	}

	/**
	 * {@code MONITOR} on one master: counts the commands of every key, those of scripts
	 * included (a script's own {@code EVALSHA} counts for its first key).
	 */
	static final class Monitor implements AutoCloseable {

		final Map<String, LongAdder> keys = new ConcurrentHashMap<>();

		private final Socket socket;

		private final BufferedReader lines;

		private final Thread reader;

		private Monitor(Socket socket, BufferedReader lines) {
			this.socket = socket;
			this.lines = lines;
			this.reader = new Thread(this::read, "monitor-" + socket.getPort());
			this.reader.setDaemon(true);
		}

		static Monitor start(RedisProcess master) {
			try {
				Socket socket = new Socket(master.host(), master.port());
				OutputStream out = socket.getOutputStream();
				out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				BufferedReader lines = new BufferedReader(
						new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
				String ok = lines.readLine();
				if (!"+OK".equals(ok)) {
					socket.close();
					throw new IllegalStateException("MONITOR answered " + ok);
				}
				Monitor monitor = new Monitor(socket, lines);
				monitor.reader.start();
				return monitor;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private void read() {
			try {
				String line;
				while ((line = this.lines.readLine()) != null) {
					String key = key(line);
					if (key != null) {
						this.keys.computeIfAbsent(key, (k) -> new LongAdder()).increment();
					}
				}
			}
			catch (IOException ex) {
				// Closed
			}
		}

		/**
		 * The key a monitored command touched: the first key of a script call, the first
		 * argument of a command a script ran, none for the rest.
		 */
		static @Nullable String key(String line) {
			int bracket = line.indexOf("] ");
			if (bracket < 0) {
				return null;
			}
			List<String> words = words(line.substring(bracket + 2));
			if (words.isEmpty()) {
				return null;
			}
			String command = words.get(0).toUpperCase();
			boolean fromScript = line.contains(" lua] ");
			if (!fromScript) {
				if ((command.equals("EVALSHA") || command.equals("EVAL")) && words.size() > 3
						&& !words.get(2).equals("0")) {
					return words.get(3);
				}
				return null;
			}
			return (words.size() > 1 && !KEYLESS.contains(command)) ? words.get(1) : null;
		}

		/** Commands scripts run that name no key. */
		private static final Set<String> KEYLESS = Set.of("INFO", "TIME", "PING", "CLUSTER", "CLIENT");

		/**
		 * The quoted words of a {@code MONITOR} line, unescaped as far as telling keys
		 * apart needs.
		 */
		static List<String> words(String text) {
			List<String> words = new ArrayList<>();
			StringBuilder word = null;
			for (int i = 0; i < text.length(); i++) {
				char c = text.charAt(i);
				if (word == null) {
					if (c == '"') {
						word = new StringBuilder();
					}
				}
				else if (c == '\\' && i + 1 < text.length()) {
					word.append(text.charAt(++i));
				}
				else if (c == '"') {
					words.add(word.toString());
					word = null;
				}
				else {
					word.append(c);
				}
			}
			return words;
		}

		@Override
		public void close() {
			try {
				// Let the last lines arrive
				Thread.sleep(200);
				this.socket.close();
				this.reader.join(5000);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/** The application: one cached read and one invalidation, over many tags. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SpreadApplication {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

	/**
	 * Items, each tagged with itself and its category; the local tier off, so every read
	 * goes to Redis.
	 */
	public static class Catalog {

		@Cached(name = "items", ttl = "10m", local = false,
				tags = { "'item:' + #id", "'category:' + (#id % " + CATEGORIES + ")" })
		public String item(long id) {
			return "item " + id;
		}

		@InvalidatesTags("'item:' + #id")
		public void update(long id) {
		}

	}

}
