package io.tiercache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * The shared tier: tiercache's three Redis operations, each one round trip.
 * <ul>
 * <li>{@link #read}: returns a valid entry, or on a miss prepares a load (the current
 * epoch and sequence, tag records of the argument tags created).</li>
 * <li>{@link #write}: stores an entry only if nothing it depends on was invalidated since
 * its load began.</li>
 * <li>{@link #invalidate}: bumps the sequence, stamps the tags and publishes,
 * atomically.</li>
 * </ul>
 * [I1] to [I4] in {@code docs/correctness.md} say why this makes every stored entry valid
 * or dead.
 *
 * @since 0.1.0
 */
public final class RedisTier {

	/**
	 * Functions of the scripts that read or start an epoch, among them the server
	 * incarnation check of [I12].
	 */
	private static final String COMMON = "common";

	private static final RedisScriptRunner.Script READ = RedisScriptRunner.Script.load("read", COMMON);

	private static final RedisScriptRunner.Script WRITE = RedisScriptRunner.Script.load("write", COMMON);

	private static final RedisScriptRunner.Script INVALIDATE = RedisScriptRunner.Script.load("invalidate", COMMON);

	private static final RedisScriptRunner.Script SEQUENCE = RedisScriptRunner.Script.load("sequence", COMMON);

	private static final RedisScriptRunner.Script PROBE = RedisScriptRunner.Script.load("probe");

	private static final RedisScriptRunner.Script ROLLBACK = RedisScriptRunner.Script.load("rollback", COMMON);

	private static final RedisScriptRunner.Script RELEASE = RedisScriptRunner.Script.load("release");

	private final RedisScriptRunner runner;

	private final RedisKeys keys;

	private final byte[] tagPrefix;

	private final long maxTtlMillis;

	private final String instanceId;

	private final byte[] maxEntryBytes;

	private final byte[] publishCommand;

	private final boolean sharded;

	/**
	 * Create the tier.
	 * @param runner runs the scripts
	 * @param keys the key layout
	 * @param maxTtl the longest time to live of any entry; invalidated tags are
	 * remembered that long
	 * @param instanceId id of this process, carried by its invalidation messages
	 * @param maxEntryBytes the largest entry a read returns: a larger one (planted, or
	 * stored under a larger limit) is a miss and is removed, unread
	 */
	public RedisTier(RedisScriptRunner runner, RedisKeys keys, Duration maxTtl, String instanceId, long maxEntryBytes) {
		this(runner, keys, maxTtl, instanceId, maxEntryBytes, false);
	}

	/**
	 * Create the tier.
	 * @param runner runs the scripts
	 * @param keys the key layout
	 * @param maxTtl the longest time to live of any entry; invalidated tags are
	 * remembered that long
	 * @param instanceId id of this process, carried by its invalidation messages
	 * @param maxEntryBytes the largest entry a read returns: a larger one (planted, or
	 * stored under a larger limit) is a miss and is removed, unread
	 * @param sharded whether to publish with {@code SPUBLISH} (Redis Cluster, where a
	 * {@code PUBLISH} is copied to every node of the cluster) rather than {@code PUBLISH}
	 */
	public RedisTier(RedisScriptRunner runner, RedisKeys keys, Duration maxTtl, String instanceId, long maxEntryBytes,
			boolean sharded) {
		this.runner = runner;
		this.keys = keys;
		this.tagPrefix = keys.tagPrefix().getBytes(StandardCharsets.UTF_8);
		this.maxTtlMillis = maxTtl.toMillis();
		this.instanceId = instanceId;
		this.maxEntryBytes = bytes(Long.toString(maxEntryBytes));
		this.publishCommand = bytes(sharded ? "SPUBLISH" : "PUBLISH");
		this.sharded = sharded;
	}

	/**
	 * Whether invalidations go out by {@code SPUBLISH}, to be read by {@code SSUBSCRIBE}.
	 */
	public boolean sharded() {
		return this.sharded;
	}

	public RedisKeys keys() {
		return this.keys;
	}

	public String instanceId() {
		return this.instanceId;
	}

	public CircuitBreaker breaker() {
		return this.runner.breaker();
	}

	/**
	 * Read an entry, or prepare its load and try to take its lease.
	 * @param entryKey the entry's key
	 * @param leaseKey the key of the entry's load lease
	 * @param argumentTags tags known before the load; their records are created if
	 * missing
	 * @param tagTtl time to live of tag records created here
	 * @param lease how long a lease taken here lasts, or {@link Duration#ZERO} to take
	 * none
	 * @param token this load's lease token
	 * @param refresh whether to skip reading the entry (a refresh of an entry already
	 * read)
	 * @return the entry (with its remaining time to live) or the state to load under
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public ReadResult read(byte[] entryKey, byte[] leaseKey, List<String> argumentTags, Duration tagTtl, Duration lease,
			String token, boolean refresh) {
		byte[][] keys = new byte[3 + argumentTags.size()][];
		keys[0] = this.keys.seq();
		keys[1] = entryKey;
		keys[2] = leaseKey;
		for (int i = 0; i < argumentTags.size(); i++) {
			keys[3 + i] = this.keys.tag(argumentTags.get(i));
		}
		byte[][] args = { bytes(newEpoch()), bytes(Long.toString(Math.max(1, tagTtl.toMillis()))), this.tagPrefix,
				bytes(Long.toString(lease.toMillis())), bytes(token), bytes(refresh ? "1" : "0"), this.maxEntryBytes };
		List<?> reply = reply("read", this.runner.run("read", READ, keys, args));
		String epoch = string(reply, 1);
		long seq = Long.parseLong(string(reply, 2));
		if (asLong(reply.get(0)) == 1 && reply.size() >= 5) {
			return new ReadResult(epoch, seq, (byte[]) reply.get(3), asLong(reply.get(4)), true, 0);
		}
		boolean leased = reply.size() < 5 || asLong(reply.get(3)) == 1;
		long leaseTtl = (reply.size() >= 5) ? asLong(reply.get(4)) : 0;
		return new ReadResult(epoch, seq, null, 0, leased, leaseTtl);
	}

	/**
	 * Store an entry if it is still valid, and release the lease if {@code token} holds
	 * it.
	 * @param entryKey the entry's key
	 * @param leaseKey the key of the entry's load lease
	 * @param token the load's lease token
	 * @param envelope the entry
	 * @param ttl its time to live
	 * @return whether it was stored; {@code false} means an invalidation raced the load
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public boolean write(byte[] entryKey, byte[] leaseKey, String token, Envelope envelope, Duration ttl) {
		List<String> tags = envelope.tags();
		byte[][] keys = new byte[3 + tags.size()][];
		keys[0] = this.keys.seq();
		keys[1] = entryKey;
		keys[2] = leaseKey;
		for (int i = 0; i < tags.size(); i++) {
			keys[3 + i] = this.keys.tag(tags.get(i));
		}
		byte[][] args = { bytes(envelope.epoch()), bytes(Long.toString(envelope.loadSeq())),
				bytes(Long.toString(Math.max(1, ttl.toMillis()))), envelope.encode(), bytes(token) };
		List<?> reply = reply("write", this.runner.run("write", WRITE, keys, args));
		return asLong(reply.get(0)) == 1;
	}

	/**
	 * Release a lease whose load failed, so that a waiting process takes over at once.
	 * @param leaseKey the lease's key
	 * @param token the load's lease token
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public void release(byte[] leaseKey, String token) {
		this.runner.run("release", RELEASE, new byte[][] { leaseKey }, new byte[][] { bytes(token) });
	}

	/**
	 * Invalidate tags and publish the invalidation; with replicas to wait for, return
	 * once they have acknowledged it.
	 * @param tags the tags, at least one
	 * @return the epoch and sequence number of the invalidation (of its last message, if
	 * its tags make more than one message can carry)
	 * @throws RedisUnavailableException if Redis cannot be used, or too few replicas
	 * acknowledged the invalidation in time (operation {@code replica-ack}): it must be
	 * sent again, which is harmless
	 */
	public Sequence invalidate(List<String> tags) {
		return invalidate(tags, false);
	}

	/**
	 * Invalidate tags and publish the invalidation, as the circuit breaker's probe: also
	 * while it is open ({@link CircuitBreaker#tryAcquireProbe()}). For the retry of an
	 * invalidation that Redis could not take.
	 * @param tags the tags, at least one
	 * @return the epoch and sequence number of the invalidation
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public Sequence retryInvalidation(List<String> tags) {
		return invalidate(tags, true);
	}

	private Sequence invalidate(List<String> tags, boolean probe) {
		// Receivers read a message up to InvalidationMessage.MAX_BYTES: a larger
		// invalidation goes as several, each one atomic ([I1]). The last one's number
		// answers for all its tags: at least their own, so applying it invalidates no
		// less.
		List<List<String>> groups = InvalidationMessage.split(tags);
		Sequence sequence = invalidateOnce(groups.get(0), probe);
		for (int i = 1; i < groups.size(); i++) {
			sequence = invalidateOnce(groups.get(i), probe);
		}
		return sequence;
	}

	private Sequence invalidateOnce(List<String> tags, boolean probe) {
		byte[][] keys = new byte[1 + tags.size()][];
		byte[][] args = new byte[6 + tags.size()][];
		keys[0] = this.keys.seq();
		args[0] = bytes(newEpoch());
		args[1] = bytes(Long.toString(this.maxTtlMillis));
		args[2] = this.keys.channel();
		args[3] = bytes(this.instanceId);
		args[4] = bytes(Long.toString(nowMicros()));
		args[5] = this.publishCommand;
		for (int i = 0; i < tags.size(); i++) {
			keys[1 + i] = this.keys.tag(tags.get(i));
			args[6 + i] = bytes(tags.get(i));
		}
		// With replicas to wait for, not done until they have it ([I12]).
		List<?> reply = reply("invalidate", this.runner.runAcknowledged("invalidate", INVALIDATE, keys, args, probe));
		return new Sequence(string(reply, 0), Long.parseLong(string(reply, 1)));
	}

	/**
	 * Read the current epoch and sequence, creating nothing, but for a new epoch over a
	 * sequence hash that another server incarnation holds ([I12] in
	 * {@code docs/correctness.md}).
	 * @return them, or {@code null} if the sequence hash does not exist (no invalidation
	 * and no load since Redis started or was flushed)
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public @Nullable SequenceState currentSequence() {
		List<?> reply = reply("sequence", this.runner.run("sequence", SEQUENCE, new byte[][] { this.keys.seq() },
				new byte[][] { bytes(newEpoch()) }));
		if (reply.size() < 2 || !(reply.get(0) instanceof byte[]) || !(reply.get(1) instanceof byte[])) {
			return null;
		}
		Long seq = decimal(string(reply, 1));
		if (seq == null) {
			// Not written by tiercache: the next read script starts a new epoch over it.
			return null;
		}
		Long start = (reply.size() > 2 && reply.get(2) instanceof byte[]) ? decimal(string(reply, 2)) : null;
		return new SequenceState(string(reply, 0), seq, (start != null) ? start : 0);
	}

	/**
	 * Start a new epoch if the sequence is still below what was seen in {@code epoch}:
	 * Redis lost acknowledged invalidations. Conditional, so that processes noticing it
	 * at once start one epoch between them.
	 * @param epoch the epoch in which the sequence went backwards
	 * @param seen the highest sequence seen in it
	 * @return the epoch and sequence as they are afterwards
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public Sequence restartEpoch(String epoch, long seen) {
		List<?> reply = reply("rollback", this.runner.run("rollback", ROLLBACK, new byte[][] { this.keys.seq() },
				new byte[][] { bytes(epoch), bytes(Long.toString(seen)), bytes(newEpoch()) }));
		return new Sequence(string(reply, 0), Long.parseLong(string(reply, 1)));
	}

	/**
	 * Publish a probe message on the invalidation channel.
	 * @param nonce the probe's nonce, which its sender recognises when it comes back
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public void probe(String nonce) {
		this.runner.run("probe", PROBE, new byte[][] { this.keys.seq() },
				new byte[][] { this.keys.channel(), bytes(InvalidationMessage.probe(nonce)), this.publishCommand });
	}

	/**
	 * The server's {@code INFO server}, for its version.
	 * @return its text
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public String serverInfo() {
		return this.runner.info("server");
	}

	/**
	 * Close what this tier opened of its own (the connection acknowledged scripts use).
	 */
	public void close() {
		this.runner.close();
	}

	/**
	 * Remove an entry that could not be decoded, best effort.
	 * @param entryKey the entry's key
	 */
	public void unlink(byte[] entryKey) {
		this.runner.unlink(entryKey);
	}

	/**
	 * Current time in microseconds since the epoch, as carried by invalidation messages.
	 */
	public static long nowMicros() {
		java.time.Instant now = java.time.Instant.now();
		return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
	}

	private static String newEpoch() {
		return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
	}

	private static List<?> reply(String operation, @Nullable Object reply) {
		if (reply instanceof List<?> list && !list.isEmpty()) {
			return list;
		}
		throw new RedisUnavailableException(operation, "Unexpected reply from the " + operation + " script: " + reply);
	}

	private static String string(List<?> reply, int index) {
		Object value = reply.get(index);
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return String.valueOf(value);
	}

	private static @Nullable Long decimal(String text) {
		if (text.isEmpty() || text.length() > 15 || !text.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return null;
		}
		return Long.parseLong(text);
	}

	private static long asLong(Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		return Long.parseLong(new String((byte[]) value, StandardCharsets.UTF_8));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * What {@link #read} found.
	 *
	 * @param epoch the current epoch
	 * @param seq the current invalidation sequence (the load sequence of a load prepared
	 * now)
	 * @param envelope the valid entry, or {@code null} on a miss
	 * @param ttlMillis remaining time to live of the entry
	 * @param leased on a miss, whether this load holds the lease (or none was asked for)
	 * @param leaseTtlMillis on a miss, how long the lease has left
	 */
	public record ReadResult(String epoch, long seq, byte @Nullable [] envelope, long ttlMillis, boolean leased,
			long leaseTtlMillis) {

		public boolean hit() {
			return this.envelope != null;
		}

	}

	/**
	 * The sequence hash as it is now.
	 *
	 * @param epoch the epoch
	 * @param seq the last invalidation's sequence number
	 * @param start the sequence number the epoch started at (0 if unknown)
	 */
	public record SequenceState(String epoch, long seq, long start) {
	}

	/**
	 * Epoch and sequence number of an invalidation.
	 *
	 * @param epoch the epoch
	 * @param seq the sequence number
	 */
	public record Sequence(String epoch, long seq) {
	}

}
