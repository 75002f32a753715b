package io.tiercache.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.tiercache.redis.RedisScriptRunner;
import io.tiercache.store.CacheLoad;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import io.tiercache.store.TieredCache;
import io.tiercache.store.TieredStore;
import io.tiercache.test.EmbeddedRedis;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What the server incarnation check ([I12] in {@code docs/correctness.md}: the run_id
 * read with {@code INFO server} inside the script) costs a remote hit: the shipped read
 * script on a valid entry, against the same script with the run_id written in as a
 * constant, so that the two differ by the {@code INFO} call alone, and against the same
 * script as a Redis Function that reads the run_id once per server and keeps it. Each
 * iteration also prints Redis's own time per script ({@code usec_per_call} of
 * {@code evalsha} or {@code fcall} in {@code INFO commandstats}), the share of a Redis
 * core a read takes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@State(Scope.Benchmark)
public class IncarnationCheckBenchmark {

	private static final String FUNCTION_LIBRARY = "tiercache_bench";

	private static final String FUNCTION = "tiercache_bench_read";

	private static final String INFO_CALL = "string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')";

	private EmbeddedRedis redis;

	private LettuceConnectionFactory connectionFactory;

	private TieredStore store;

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private RedisCommands<byte[], byte[]> commands;

	private byte[][] keys;

	private byte[][] args;

	private String checked;

	private String unchecked;

	@Setup(Level.Trial)
	public void start() throws Throwable {
		this.redis = EmbeddedRedis.start();
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(this.redis.host(), this.redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.store = TieredStore.builder(this.connectionFactory).build();
		TieredCache cache = this.store
			.cache(new CacheSettings("products", Duration.ofMinutes(10), Jitter.NONE, null, false, true), String.class);
		cache.get(1L, new Load());
		this.client = RedisClient.create(this.redis.uri());
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.commands = this.connection.sync();
		List<byte[]> entries = this.commands.keys("{tc:v1}:e:*");
		if (entries.size() != 1) {
			throw new IllegalStateException("Expected one entry, found " + entries.size());
		}
		// As RedisTier.read sends them: no lease, no argument tags.
		this.keys = new byte[][] { bytes("{tc:v1}:seq"), entries.get(0), bytes("{tc:v1}:l:bench") };
		this.args = new byte[][] { bytes("e0"), bytes("3600000"), bytes("{tc:v1}:t:"), bytes("0"), bytes("token"),
				bytes("0"), bytes("10000000") };
		RedisScriptRunner.Script read = RedisScriptRunner.Script.load("read", "common");
		String source = new String(read.source(), StandardCharsets.UTF_8);
		if (!source.contains(INFO_CALL)) {
			throw new IllegalStateException("The read script no longer reads the run_id as " + INFO_CALL);
		}
		String runId = this.commands.info("server")
			.lines()
			.filter((line) -> line.startsWith("run_id:"))
			.findFirst()
			.orElseThrow()
			.substring(7)
			.trim();
		this.checked = this.commands.scriptLoad(read.source());
		this.unchecked = this.commands.scriptLoad(bytes(source.replace(INFO_CALL, "'" + runId + "'")));
		this.commands.functionLoad(functionLibrary(source), true);
		// All must serve the entry, or the comparison says nothing.
		for (String sha : List.of(this.checked, this.unchecked)) {
			checkHit(this.commands.evalsha(sha, ScriptOutputType.MULTI, this.keys, this.args));
		}
		checkHit(readHitWithCachedIncarnation());
	}

	/**
	 * The read script as a Redis Function, its {@code INFO} call made once per server:
	 * the run_id is kept in a local of the library, which lives as long as that server's
	 * Lua engine, so it is always the run_id of the server that runs the function.
	 */
	private static String functionLibrary(String source) {
		return "#!lua name=" + FUNCTION_LIBRARY + "\n" + "local runId\n" + "local function cachedRunId()\n"
				+ "  if not runId then runId = " + INFO_CALL + " end\n" + "  return runId\n" + "end\n"
				+ "redis.register_function('" + FUNCTION + "', function(KEYS, ARGV)\n"
				+ source.replace(INFO_CALL, "cachedRunId()") + "\nend)\n";
	}

	private static void checkHit(List<Object> reply) {
		if (!Long.valueOf(1).equals(reply.get(0))) {
			throw new IllegalStateException("The read script did not hit: " + reply);
		}
	}

	@Setup(Level.Iteration)
	public void resetStats() {
		this.commands.configResetstat();
	}

	@TearDown(Level.Iteration)
	public void printServerTime() {
		this.commands.info("commandstats")
			.lines()
			.filter((line) -> line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_fcall:"))
			.forEach((line) -> System.out.println("  redis " + line));
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.connection.close();
		this.client.shutdown();
		this.store.close();
		this.connectionFactory.destroy();
		this.redis.close();
	}

	@Benchmark
	public List<Object> readHitWithIncarnationCheck() {
		return this.commands.evalsha(this.checked, ScriptOutputType.MULTI, this.keys, this.args);
	}

	@Benchmark
	public List<Object> readHitWithoutIncarnationCheck() {
		return this.commands.evalsha(this.unchecked, ScriptOutputType.MULTI, this.keys, this.args);
	}

	@Benchmark
	public List<Object> readHitWithCachedIncarnation() {
		return this.commands.fcall(FUNCTION, ScriptOutputType.MULTI, this.keys, this.args);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static final class Load implements CacheLoad {

		@Override
		public Collection<String> argumentTags() {
			return List.of("product:1");
		}

		@Override
		public Object load() {
			return "product 1";
		}

		@Override
		public Collection<String> resultTags(Object result) {
			return List.of();
		}

		@Override
		public boolean isCacheable(Object result) {
			return true;
		}

	}

}
