package io.tiercache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Runs tiercache's Lua scripts on the application's {@link RedisConnectionFactory},
 * bounded by tiercache's own command timeout and guarded by a {@link CircuitBreaker}.
 * <p>
 * Lettuce only (the subscriber relies on its connection events too): commands go through
 * the shared native connection's asynchronous API and are abandoned after
 * {@code commandTimeout}, whatever {@code spring.data.redis.timeout} says (Lettuce's
 * default is a minute). Any other client fails every call with an
 * {@link IllegalStateException} as the cause. Scripts are sent by digest and reloaded on
 * {@code NOSCRIPT}, as after a Redis restart.
 *
 * @since 0.1.0
 */
public final class RedisScriptRunner {

	/**
	 * The operation of a {@link RedisUnavailableException} for an acknowledged script
	 * that Redis ran but too few replicas acknowledged in time, or whose {@code WAIT}
	 * Redis refused: Redis answered, and the breaker counted it as a success.
	 */
	public static final String REPLICA_ACK = "replica-ack";

	private static final long TOPOLOGY_REFRESH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** A Lua script loaded from the classpath, with its SHA-1 digest. */
	public record Script(String name, byte[] source, String sha) {

		/**
		 * Load a script, after the files whose functions it uses.
		 * @param name the script's file name, without {@code .lua}
		 * @param preludes files of functions to put before it, such as {@code common}
		 * @return the script
		 */
		public static Script load(String name, String... preludes) {
			java.io.ByteArrayOutputStream source = new java.io.ByteArrayOutputStream();
			for (String prelude : preludes) {
				source.writeBytes(read(prelude));
			}
			source.writeBytes(read(name));
			byte[] bytes = source.toByteArray();
			return new Script(name, bytes, sha1(bytes));
		}

		private static byte[] read(String name) {
			try (InputStream in = RedisScriptRunner.class.getResourceAsStream(name + ".lua")) {
				if (in == null) {
					throw new IllegalStateException("Missing script " + name + ".lua");
				}
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read script " + name, ex);
			}
		}

		private static String sha1(byte[] source) {
			try {
				byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(source);
				StringBuilder hex = new StringBuilder(40);
				for (byte b : digest) {
					hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
				}
				return hex.toString();
			}
			catch (java.security.NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	private final RedisConnectionFactory connectionFactory;

	private final long timeoutNanos;

	private final CircuitBreaker breaker;

	private final int replicaAcks;

	private final Duration replicaAckTimeout;

	/** Whether the factory connects to a Redis Cluster: decided by its configuration. */
	private final boolean cluster;

	/**
	 * The connection that acknowledged scripts and their {@code WAIT} run on, opened on
	 * first use; guarded by this.
	 */
	private @Nullable RedisConnection dedicated;

	/**
	 * On Redis Cluster, the cluster connection of our own that acknowledged scripts run
	 * on, on the connection to the node serving their keys' slot; guarded by this.
	 */
	private @Nullable StatefulRedisClusterConnection<byte[], byte[]> dedicatedCluster;

	/** Whether the factory shares one native connection among its connections. */
	private final boolean sharesNativeConnection;

	private volatile @Nullable SharedCommands shared;

	private final AtomicLong lastTopologyRefresh = new AtomicLong(System.nanoTime() - TOPOLOGY_REFRESH_INTERVAL_NANOS);

	public RedisScriptRunner(RedisConnectionFactory connectionFactory, Duration commandTimeout,
			CircuitBreaker breaker) {
		this(connectionFactory, commandTimeout, breaker, 0, Duration.ZERO);
	}

	/**
	 * Create a runner whose {@link #runAcknowledged acknowledged} scripts wait for
	 * replicas.
	 * @param connectionFactory the application's connections
	 * @param commandTimeout how long to wait for one command
	 * @param breaker the circuit breaker
	 * @param replicaAcks how many replicas must acknowledge an acknowledged script, 0 for
	 * none
	 * @param replicaAckTimeout how long to wait for them
	 */
	public RedisScriptRunner(RedisConnectionFactory connectionFactory, Duration commandTimeout, CircuitBreaker breaker,
			int replicaAcks, Duration replicaAckTimeout) {
		this.connectionFactory = connectionFactory;
		this.timeoutNanos = commandTimeout.toNanos();
		this.breaker = breaker;
		this.replicaAcks = replicaAcks;
		this.replicaAckTimeout = replicaAckTimeout;
		this.cluster = connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
		this.sharesNativeConnection = connectionFactory instanceof LettuceConnectionFactory lettuce
				&& lettuce.getShareNativeConnection();
	}

	/**
	 * Whether Redis is a Redis Cluster, where invalidations go out by {@code SPUBLISH}
	 * and acknowledged scripts run on the node of their slot.
	 */
	public boolean isCluster() {
		return this.cluster;
	}

	public CircuitBreaker breaker() {
		return this.breaker;
	}

	/**
	 * Run a script returning a multi-bulk reply.
	 * @param operation name of the tiercache operation, for errors and metrics
	 * @param script the script
	 * @param keys its keys
	 * @param args its arguments
	 * @return the reply: a list of {@code byte[]} and {@code Long}
	 * @throws RedisUnavailableException if Redis fails, times out, or the breaker is open
	 */
	public @Nullable Object run(String operation, Script script, byte[][] keys, byte[][] args) {
		return execute(operation, (commands) -> eval(commands, script, keys, args), false);
	}

	/**
	 * Run scripts in one round trip: all are sent before any answer is awaited. On Redis
	 * Cluster each goes to the master of its first key's slot, the masters answering in
	 * parallel.
	 * @param operation name of the tiercache operation, for errors and metrics
	 * @param calls the scripts, with their keys and arguments
	 * @return their replies, in the order of {@code calls}
	 * @throws RedisUnavailableException if Redis fails or times out on any of them, or
	 * the breaker is open
	 */
	public List<@Nullable Object> runAll(String operation, List<ScriptCall> calls) {
		Object replies = execute(operation, (commands) -> evalAll(commands, calls), false);
		@SuppressWarnings("unchecked")
		List<@Nullable Object> list = (List<@Nullable Object>) replies;
		return list;
	}

	/**
	 * Run scripts in one round trip, as {@link #runAll}, each on its own: one that fails
	 * or times out does not fail the others. For an invalidation of several slot groups,
	 * where the groups of live masters must not wait for one whose master is down. The
	 * breaker counts the round trip as one call: a success if every script answered.
	 * @param operation name of the tiercache operation, for errors and metrics
	 * @param calls the scripts, with their keys and arguments
	 * @param probe whether to run as the breaker's probe, also while it is open
	 * ({@link CircuitBreaker#tryAcquireProbe()})
	 * @return per call, in the order of {@code calls}, its reply or the
	 * {@link RedisUnavailableException} it failed with
	 * @throws RedisUnavailableException if none could be sent: the breaker is open, or no
	 * connection could be had
	 */
	public List<@Nullable Object> runEach(String operation, List<ScriptCall> calls, boolean probe) {
		if (!(probe ? this.breaker.tryAcquireProbe() : this.breaker.tryAcquirePermission())) {
			throw new RedisUnavailableException(operation, "Redis circuit breaker is open");
		}
		List<@Nullable Object> outcomes = new ArrayList<>(calls.size());
		boolean allAnswered = true;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = asyncCommands(connection);
			List<Future<Object>> sent = new ArrayList<>(calls.size());
			for (ScriptCall call : calls) {
				sent.add(commands.evalsha(call.script().sha(), ScriptOutputType.MULTI, call.keys(), call.args()));
			}
			long deadline = System.nanoTime() + this.timeoutNanos;
			for (int i = 0; i < calls.size(); i++) {
				ScriptCall call = calls.get(i);
				try {
					try {
						outcomes.add(await(sent.get(i), Math.max(1, deadline - System.nanoTime())));
					}
					catch (NoScriptException ex) {
						outcomes.add(await(commands.eval(call.script().source(), ScriptOutputType.MULTI, call.keys(),
								call.args())));
					}
				}
				catch (RedisUnavailableException ex) {
					allAnswered = false;
					outcomes.add(new RedisUnavailableException(operation, ex.getMessage(), ex.getCause()));
				}
			}
		}
		catch (RuntimeException ex) {
			failed();
			throw new RedisUnavailableException(operation, "Redis " + operation + " failed: " + ex, ex);
		}
		if (allAnswered) {
			this.breaker.recordSuccess();
		}
		else {
			failed();
		}
		return outcomes;
	}

	/**
	 * Whether {@link #runAcknowledged} waits for replicas.
	 * @return whether {@code tiercache.redis.replica-acks} is above 0
	 */
	public boolean waitsForReplicas() {
		return this.replicaAcks > 0;
	}

	/**
	 * A script to run among others.
	 *
	 * @param script the script
	 * @param keys its keys, the first deciding its slot
	 * @param args its arguments
	 */
	public record ScriptCall(Script script, byte[][] keys, byte[][] args) {
	}

	/**
	 * Run a script as the circuit breaker's probe: also while the breaker is open, unless
	 * another probe is out ({@link CircuitBreaker#tryAcquireProbe()}).
	 * @param operation name of the tiercache operation, for errors and metrics
	 * @param script the script
	 * @param keys its keys
	 * @param args its arguments
	 * @return the reply: a list of {@code byte[]} and {@code Long}
	 * @throws RedisUnavailableException if Redis fails, times out, or another probe is
	 * out
	 */
	public @Nullable Object runAsProbe(String operation, Script script, byte[][] keys, byte[][] args) {
		return execute(operation, (commands) -> eval(commands, script, keys, args), true);
	}

	/**
	 * Run a script whose writes must reach replicas: once it has run, wait ({@code WAIT})
	 * until the configured number of replicas has acknowledged it, for at most the
	 * configured timeout. Without replicas to wait for, the same as {@link #run}.
	 * <p>
	 * {@code WAIT} waits for the writes of the connection it is sent on, and blocks that
	 * connection meanwhile, so both go on a connection of their own rather than the
	 * shared one every other command is pipelined on: one connection, taken once from the
	 * factory and kept (see {@link #dedicatedCommands()}). Its id and address are read
	 * before the script and after the {@code WAIT}, in the same pipeline: Lettuce sends
	 * again, after a reconnection, the commands that had no answer, and a {@code WAIT}
	 * sent again on a new connection (which has written nothing) would be acknowledged at
	 * once; a changed connection counts as not acknowledged.
	 * @param operation name of the operation, for errors and metrics
	 * @param script the script
	 * @param keys its keys
	 * @param args its arguments
	 * @param probe whether to run as the breaker's probe, also while it is open
	 * ({@link CircuitBreaker#tryAcquireProbe()})
	 * @return the reply
	 * @throws RedisUnavailableException if Redis fails, times out, the breaker is open,
	 * or (operation {@code replica-ack}) fewer replicas acknowledged it in time; the
	 * script may have run in that case, and running it again must be harmless
	 */
	public @Nullable Object runAcknowledged(String operation, Script script, byte[][] keys, byte[][] args,
			boolean probe) {
		if (this.replicaAcks == 0) {
			return probe ? runAsProbe(operation, script, keys, args) : run(operation, script, keys, args);
		}
		if (!(probe ? this.breaker.tryAcquireProbe() : this.breaker.tryAcquirePermission())) {
			throw new RedisUnavailableException(operation, "Redis circuit breaker is open");
		}
		Acknowledged result;
		try {
			RedisClusterAsyncCommands<byte[], byte[]> commands = dedicatedCommands(keys[0]);
			try {
				result = acknowledged(commands, script.sha(), null, keys, args);
			}
			catch (NoScriptException ex) {
				result = acknowledged(commands, null, script.source(), keys, args);
			}
			this.breaker.recordSuccess();
		}
		catch (CommandRefusedException ex) {
			// Redis answered, and refused WAIT or CLIENT INFO (an ACL without them, a
			// proxy that does not pass them): not a reason to open the breaker and bypass
			// the local tier, but not done either.
			this.breaker.recordSuccess();
			throw new RedisUnavailableException(REPLICA_ACK,
					"Redis refused " + ex.command + " after " + operation + ": " + ex.reply
							+ ". tiercache.redis.replica-acks needs the rights +wait and +client|info "
							+ "(docs/SECURITY.md); " + operation + " is retried",
					ex.getCause());
		}
		catch (RedisUnavailableException ex) {
			failed();
			throw new RedisUnavailableException(operation, ex.getMessage(), ex.getCause());
		}
		catch (RuntimeException ex) {
			failed();
			throw new RedisUnavailableException(operation, "Redis " + operation + " failed: " + ex, ex);
		}
		// Redis answered: not a reason to open the breaker, but not done either.
		if (!result.sameConnection()) {
			throw new RedisUnavailableException(REPLICA_ACK, "The connection of " + operation
					+ " was re-established before replicas acknowledged it: it is retried");
		}
		if (result.replicas() < this.replicaAcks) {
			throw new RedisUnavailableException(REPLICA_ACK,
					operation + " reached Redis but only " + result.replicas() + " of " + this.replicaAcks
							+ " replicas acknowledged it within " + this.replicaAckTimeout.toMillis()
							+ "ms (tiercache.redis.replica-acks, tiercache.redis.replica-ack-timeout): it is "
							+ "retried");
		}
		return result.reply();
	}

	private Acknowledged acknowledged(RedisClusterAsyncCommands<byte[], byte[]> commands, @Nullable String sha,
			byte @Nullable [] source, byte[][] keys, byte[][] args) {
		// Sent together, answered in order: one round trip plus the wait.
		Future<String> before = commands.clientInfo();
		Future<Object> reply = (sha != null) ? commands.evalsha(sha, ScriptOutputType.MULTI, keys, args)
				: commands.eval(source, ScriptOutputType.MULTI, keys, args);
		Future<Long> replicas = commands.waitForReplication(this.replicaAcks, this.replicaAckTimeout.toMillis());
		Future<String> after = commands.clientInfo();
		String first = answer("CLIENT INFO", before, this.timeoutNanos);
		Object result = await(reply);
		long acknowledged = answer("WAIT", replicas, this.timeoutNanos + this.replicaAckTimeout.toNanos());
		String last = answer("CLIENT INFO", after, this.timeoutNanos);
		return new Acknowledged(result, acknowledged, connection(first).equals(connection(last)));
	}

	/**
	 * The answer to one of the commands around an acknowledged script.
	 * @throws CommandRefusedException if Redis answered with an error
	 */
	private <T> T answer(String command, Future<T> future, long timeoutNanos) {
		try {
			return await(future, timeoutNanos);
		}
		catch (RedisUnavailableException ex) {
			if (ex.getCause() instanceof RedisCommandExecutionException refusal) {
				throw new CommandRefusedException(command, refusal);
			}
			throw ex;
		}
	}

	/** The id and both addresses of a connection, from {@code CLIENT INFO}. */
	private static String connection(String clientInfo) {
		StringBuilder identity = new StringBuilder();
		for (String field : clientInfo.trim().split(" ")) {
			if (field.startsWith("id=") || field.startsWith("addr=") || field.startsWith("laddr=")) {
				identity.append(field).append(' ');
			}
		}
		return identity.toString();
	}

	/**
	 * The commands of the connection kept for {@link #runAcknowledged}. Spring Data Redis
	 * gives a {@code LettuceConnection} a connection of its own from the factory's
	 * provider (same target, credentials, database, pool) while it is pipelined; this one
	 * is opened in pipeline mode and kept until {@link #close()}, and only its native
	 * asynchronous API is used, so nothing is ever queued in the pipeline itself. Lettuce
	 * reconnects it as it does any connection (through the Sentinels, after a failover).
	 */
	private synchronized RedisClusterAsyncCommands<byte[], byte[]> dedicatedCommands(byte[] key) {
		if (this.cluster) {
			return clusterNodeCommands(key);
		}
		if (this.dedicated == null || this.dedicated.isClosed()) {
			RedisConnection connection = this.connectionFactory.getConnection();
			try {
				connection.openPipeline();
				RedisClusterAsyncCommands<byte[], byte[]> commands = asyncCommands(connection);
				if (commands instanceof io.lettuce.core.api.async.RedisAsyncCommands<byte[], byte[]> standalone) {
					// A flush policy of the application's that buffers pipelines would
					// hold
					// our commands back.
					standalone.getStatefulConnection().setAutoFlushCommands(true);
				}
				this.dedicated = connection;
			}
			catch (RuntimeException ex) {
				connection.close();
				throw ex;
			}
		}
		return asyncCommands(this.dedicated);
	}

	/**
	 * On Redis Cluster: {@code WAIT} has no key to route by and waits for the writes of
	 * the connection it is sent on, so script and {@code WAIT} go on the connection to
	 * the node that serves the key's slot, taken from a cluster connection of our own (a
	 * shared one would block every command to that node meanwhile).
	 */
	private RedisClusterAsyncCommands<byte[], byte[]> clusterNodeCommands(byte[] key) {
		if (this.dedicatedCluster == null || !this.dedicatedCluster.isOpen()) {
			RedisClusterClient client = clusterClient();
			if (client == null) {
				throw new IllegalStateException("A cluster connection factory without a RedisClusterClient");
			}
			this.dedicatedCluster = client.connect(ByteArrayCodec.INSTANCE);
		}
		RedisClusterNode node = this.dedicatedCluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
		if (node == null) {
			throw new RedisUnavailableException("", "No Redis Cluster node serves slot " + SlotHash.getSlot(key));
		}
		return this.dedicatedCluster.async().getConnection(node.getNodeId());
	}

	/**
	 * A call failed: the breaker counts it and, on Redis Cluster, the topology is read
	 * again (at most once a second), since the slot may have moved to another node (a
	 * failover, a migration). Lettuce updates every connection of the client with it, the
	 * application's too, whether or not its adaptive topology refresh is on.
	 */
	private void failed() {
		this.breaker.recordFailure();
		if (!this.cluster) {
			return;
		}
		long now = System.nanoTime();
		long last = this.lastTopologyRefresh.get();
		if (now - last >= TOPOLOGY_REFRESH_INTERVAL_NANOS && this.lastTopologyRefresh.compareAndSet(last, now)) {
			RedisClusterClient client = clusterClient();
			if (client != null) {
				client.refreshPartitionsAsync();
			}
		}
	}

	/** The factory's cluster client, once the factory has started. */
	private @Nullable RedisClusterClient clusterClient() {
		return (this.connectionFactory instanceof LettuceConnectionFactory lettuce
				&& lettuce.getNativeClient() instanceof RedisClusterClient client) ? client : null;
	}

	/** Close the connection kept for acknowledged scripts, if one was opened. */
	public synchronized void close() {
		if (this.dedicatedCluster != null) {
			this.dedicatedCluster.close();
			this.dedicatedCluster = null;
		}
		if (this.dedicated != null) {
			try {
				this.dedicated.closePipeline();
			}
			catch (RuntimeException ex) {
				// Nothing was queued in it; closing is what matters.
			}
			this.dedicated.close();
			this.dedicated = null;
		}
	}

	/**
	 * Read a section of {@code INFO}, bounded by the command timeout. Outside the circuit
	 * breaker: what it asks is for logs and health, not for the callers the breaker
	 * protects.
	 * @param section the section, such as {@code server}
	 * @return its text
	 * @throws RedisUnavailableException if Redis fails or times out
	 */
	public String info(String section) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return await(asyncCommands(connection).info(section));
		}
		catch (RedisUnavailableException ex) {
			throw new RedisUnavailableException("info", ex.getMessage(), ex.getCause());
		}
		catch (RuntimeException ex) {
			throw new RedisUnavailableException("info", "Redis info failed: " + ex, ex);
		}
	}

	/**
	 * Unlink keys, best effort.
	 * @param keys the keys
	 */
	public void unlink(byte[]... keys) {
		execute("unlink", (commands) -> await(commands.unlink(keys)), false);
	}

	private @Nullable Object execute(String operation, Command command, boolean probe) {
		if (!(probe ? this.breaker.tryAcquireProbe() : this.breaker.tryAcquirePermission())) {
			throw new RedisUnavailableException(operation, "Redis circuit breaker is open");
		}
		try {
			Object result = runCommand(command);
			this.breaker.recordSuccess();
			return result;
		}
		catch (RedisUnavailableException ex) {
			failed();
			throw new RedisUnavailableException(operation, ex.getMessage(), ex.getCause());
		}
		catch (RuntimeException ex) {
			failed();
			throw new RedisUnavailableException(operation, "Redis " + operation + " failed: " + ex, ex);
		}
	}

	private @Nullable Object runCommand(Command command) {
		RedisClusterAsyncCommands<byte[], byte[]> shared = sharedCommands();
		if (shared != null) {
			return command.run(shared);
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return command.run(asyncCommands(connection));
		}
	}

	/**
	 * The commands of the factory's shared native connection, kept while it is open: a
	 * {@code LettuceConnection} per call would only wrap it again. Lettuce reconnects an
	 * open connection by itself; one the factory closed (a reset, a restart) is taken
	 * again. {@code null} if the factory does not share its native connection (a pool),
	 * where each call takes a connection of its own.
	 */
	private @Nullable RedisClusterAsyncCommands<byte[], byte[]> sharedCommands() {
		if (!this.sharesNativeConnection) {
			return null;
		}
		SharedCommands kept = this.shared;
		if (kept != null && kept.connection().isOpen()) {
			return kept.commands();
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = asyncCommands(connection);
			StatefulConnection<byte[], byte[]> stateful = statefulConnection(commands);
			if (stateful == null) {
				return null;
			}
			this.shared = new SharedCommands(stateful, commands);
			return commands;
		}
	}

	private static @Nullable StatefulConnection<byte[], byte[]> statefulConnection(
			RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof io.lettuce.core.api.async.RedisAsyncCommands<byte[], byte[]> standalone) {
			return standalone.getStatefulConnection();
		}
		if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			return cluster.getStatefulConnection();
		}
		return null;
	}

	/** The shared native connection and its asynchronous commands. */
	private record SharedCommands(StatefulConnection<byte[], byte[]> connection,
			RedisClusterAsyncCommands<byte[], byte[]> commands) {
	}

	private @Nullable Object eval(RedisClusterAsyncCommands<byte[], byte[]> commands, Script script, byte[][] keys,
			byte[][] args) {
		try {
			return await(commands.evalsha(script.sha(), ScriptOutputType.MULTI, keys, args));
		}
		catch (NoScriptException ex) {
			return await(commands.eval(script.source(), ScriptOutputType.MULTI, keys, args));
		}
	}

	private List<@Nullable Object> evalAll(RedisClusterAsyncCommands<byte[], byte[]> commands, List<ScriptCall> calls) {
		List<Future<Object>> sent = new ArrayList<>(calls.size());
		for (ScriptCall call : calls) {
			sent.add(commands.evalsha(call.script().sha(), ScriptOutputType.MULTI, call.keys(), call.args()));
		}
		// One deadline for all, as for one command: they travel together.
		long deadline = System.nanoTime() + this.timeoutNanos;
		List<@Nullable Object> replies = new ArrayList<>(calls.size());
		for (int i = 0; i < calls.size(); i++) {
			ScriptCall call = calls.get(i);
			try {
				replies.add(await(sent.get(i), Math.max(1, deadline - System.nanoTime())));
			}
			catch (NoScriptException ex) {
				replies.add(
						await(commands.eval(call.script().source(), ScriptOutputType.MULTI, call.keys(), call.args())));
			}
		}
		return replies;
	}

	/**
	 * The asynchronous Lettuce API of a connection: the only way to bound a command by
	 * tiercache's timeout rather than the client's.
	 * @param connection the connection
	 * @return its native commands
	 * @throws IllegalStateException if the connection is not Lettuce's
	 */
	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> asyncCommands(RedisConnection connection) {
		Object nativeConnection = connection.getNativeConnection();
		if (nativeConnection instanceof RedisClusterAsyncCommands<?, ?>) {
			return (RedisClusterAsyncCommands<byte[], byte[]>) nativeConnection;
		}
		throw new IllegalStateException("tiercache needs Lettuce (spring.data.redis.client-type=lettuce, the default "
				+ "of spring-boot-starter-data-redis), not " + connection.getClass().getName());
	}

	private <T> T await(Future<T> future) {
		return await(future, this.timeoutNanos);
	}

	private <T> T await(Future<T> future, long timeoutNanos) {
		try {
			return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new RedisUnavailableException("", "Redis did not answer within "
					+ Duration.ofNanos(timeoutNanos).toMillis() + "ms (tiercache.redis.command-timeout)", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new RedisUnavailableException("", "Interrupted while waiting for Redis", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RedisNoScriptException) {
				throw new NoScriptException();
			}
			throw new RedisUnavailableException("", "Redis failed: " + ex.getCause(), ex.getCause());
		}
	}

	/**
	 * What an acknowledged script got.
	 *
	 * @param reply the script's reply
	 * @param replicas how many replicas acknowledged it
	 * @param sameConnection whether the script and its {@code WAIT} ran on one connection
	 */
	private record Acknowledged(@Nullable Object reply, long replicas, boolean sameConnection) {
	}

	@FunctionalInterface
	private interface Command {

		@Nullable Object run(RedisClusterAsyncCommands<byte[], byte[]> commands);

	}

	/** Redis answered a command with an error, such as {@code NOPERM}. */
	private static final class CommandRefusedException extends RuntimeException {

		private final String command;

		private final String reply;

		CommandRefusedException(String command, RedisCommandExecutionException cause) {
			super(command + " refused", cause, false, false);
			this.command = command;
			this.reply = String.valueOf(cause.getMessage());
		}

	}

	/** The script cache lost our script (restart, SCRIPT FLUSH): send it in full. */
	private static final class NoScriptException extends RuntimeException {

		NoScriptException() {
			super(null, null, false, false);
		}

	}

}
