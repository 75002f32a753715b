package io.tiercache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

	// With several slot groups: the entry's and each group's side of a read and a write.
	private static final RedisScriptRunner.Script ENTRY = RedisScriptRunner.Script.load("entry");

	private static final RedisScriptRunner.Script STATE = RedisScriptRunner.Script.load("state", COMMON);

	private static final RedisScriptRunner.Script CHECK = RedisScriptRunner.Script.load("check", COMMON);

	private static final RedisScriptRunner.Script STORE = RedisScriptRunner.Script.load("store");

	private static final RedisScriptRunner.Script LAYOUT = RedisScriptRunner.Script.load("layout");

	private final RedisScriptRunner runner;

	private final RedisKeys keys;

	private final byte[] tagPrefix;

	private final long maxTtlMillis;

	private final String instanceId;

	private final byte[] maxEntryBytes;

	private final byte[] publishCommand;

	private final boolean sharded;

	private volatile StateListener stateListener = (state) -> {
	};

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

	/**
	 * Be told of the group states that writes find, so that later loads record a recent
	 * sequence for groups their reads did not touch.
	 * @param listener the listener
	 */
	public void setStateListener(StateListener listener) {
		this.stateListener = listener;
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
		if (this.keys.groups() > 1) {
			return readGrouped(entryKey, leaseKey, argumentTags, tagTtl, lease, token, refresh);
		}
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
		List<GroupState> states = List.of(new GroupState(0, string(reply, 1), Long.parseLong(string(reply, 2))));
		if (asLong(reply.get(0)) == 1 && reply.size() >= 5) {
			return new ReadResult(states, (byte[]) reply.get(3), null, asLong(reply.get(4)), true, 0);
		}
		boolean leased = reply.size() < 5 || asLong(reply.get(3)) == 1;
		long leaseTtl = (reply.size() >= 5) ? asLong(reply.get(4)) : 0;
		return new ReadResult(states, null, null, 0, leased, leaseTtl);
	}

	/**
	 * A read with several slot groups: in one round trip the entry's script and, for each
	 * group of the argument tags, the group's state with those tags' records; the entry
	 * is validated here. Tags found only in the entry take one more round trip for their
	 * groups' records.
	 */
	private ReadResult readGrouped(byte[] entryKey, byte[] leaseKey, List<String> argumentTags, Duration tagTtl,
			Duration lease, String token, boolean refresh) {
		Map<Integer, List<String>> argumentGroups = byGroup(argumentTags);
		byte[] tagTtlMillis = bytes(Long.toString(Math.max(1, tagTtl.toMillis())));
		List<RedisScriptRunner.ScriptCall> calls = new ArrayList<>(1 + argumentGroups.size());
		calls.add(entryCall(entryKey, leaseKey, refresh ? "refresh" : "read", lease, token));
		argumentGroups.forEach((group, tags) -> calls.add(stateCall(group, tags, tagTtlMillis, true)));
		List<@Nullable Object> replies = this.runner.runAll("read", calls);
		Map<Integer, GroupReply> states = new TreeMap<>();
		int index = 1;
		for (Map.Entry<Integer, List<String>> group : argumentGroups.entrySet()) {
			states.put(group.getKey(),
					GroupReply.of(group.getKey(), group.getValue(), reply("read", replies.get(index++))));
		}
		List<?> entry = reply("read", replies.get(0));
		if (asLong(entry.get(0)) != 1) {
			return miss(states, entry);
		}
		byte[] bytes = (byte[]) entry.get(1);
		long ttlMillis = asLong(entry.get(2));
		Envelope envelope;
		try {
			envelope = Envelope.decode(bytes, this.keys.groups());
		}
		catch (RuntimeException ex) {
			// The store decodes it again, and treats it as undecodable.
			return new ReadResult(stateList(states), bytes, null, ttlMillis, true, 0);
		}
		Map<Integer, List<String>> unread = new TreeMap<>();
		for (String tag : envelope.tags()) {
			GroupReply state = states.get(this.keys.group(tag));
			if (state == null || !state.records().containsKey(tag)) {
				unread.computeIfAbsent(this.keys.group(tag), (group) -> new ArrayList<>()).add(tag);
			}
		}
		if (!unread.isEmpty()) {
			List<RedisScriptRunner.ScriptCall> more = new ArrayList<>(unread.size());
			unread.forEach((group, tags) -> more.add(stateCall(group, tags, tagTtlMillis, false)));
			List<@Nullable Object> moreReplies = this.runner.runAll("read", more);
			int i = 0;
			for (Map.Entry<Integer, List<String>> group : unread.entrySet()) {
				GroupReply fresh = GroupReply.of(group.getKey(), group.getValue(), reply("read", moreReplies.get(i++)));
				states.merge(group.getKey(), fresh, GroupReply::merge);
			}
		}
		if (valid(envelope, states)) {
			return new ReadResult(stateList(states), bytes, envelope, ttlMillis, true, 0);
		}
		// Dead: remove it, and take the lease as a miss does.
		List<?> leased = reply("read",
				this.runner.run("read", ENTRY, new byte[][] { entryKey, leaseKey }, entryArgs("lease", lease, token)));
		return miss(states, leased);
	}

	private boolean valid(Envelope envelope, Map<Integer, GroupReply> states) {
		for (String tag : envelope.tags()) {
			int group = this.keys.group(tag);
			Envelope.GroupLoad load = envelope.load(group);
			GroupReply state = states.get(group);
			if (load == null || state == null || !state.epoch().equals(load.epoch())) {
				return false;
			}
			// A missing record may have been evicted after an invalidation: dead.
			Long record = state.records().get(tag);
			if (record == null || record < 0 || record > load.seq()) {
				return false;
			}
		}
		return true;
	}

	private static ReadResult miss(Map<Integer, GroupReply> states, List<?> entry) {
		return new ReadResult(stateList(states), null, null, 0, asLong(entry.get(1)) == 1, asLong(entry.get(2)));
	}

	private static List<GroupState> stateList(Map<Integer, GroupReply> states) {
		List<GroupState> list = new ArrayList<>(states.size());
		for (GroupReply reply : states.values()) {
			list.add(new GroupState(reply.group(), reply.epoch(), reply.seq()));
		}
		return list;
	}

	private RedisScriptRunner.ScriptCall entryCall(byte[] entryKey, byte[] leaseKey, String mode, Duration lease,
			String token) {
		return new RedisScriptRunner.ScriptCall(ENTRY, new byte[][] { entryKey, leaseKey },
				entryArgs(mode, lease, token));
	}

	private byte[][] entryArgs(String mode, Duration lease, String token) {
		return new byte[][] { bytes(mode), bytes(Long.toString(lease.toMillis())), bytes(token), this.maxEntryBytes };
	}

	private RedisScriptRunner.ScriptCall stateCall(int group, List<String> tags, byte[] tagTtlMillis, boolean create) {
		byte[][] keys = new byte[1 + tags.size()][];
		keys[0] = this.keys.seq(group);
		for (int i = 0; i < tags.size(); i++) {
			keys[1 + i] = this.keys.tag(tags.get(i));
		}
		return new RedisScriptRunner.ScriptCall(STATE, keys,
				new byte[][] { bytes(newEpoch()), tagTtlMillis, bytes(create ? "1" : "0") });
	}

	/**
	 * Tags by their slot group, in group order.
	 * @param tags the tags
	 * @return the groups and their tags
	 */
	public Map<Integer, List<String>> byGroup(List<String> tags) {
		Map<Integer, List<String>> groups = new TreeMap<>();
		for (String tag : tags) {
			groups.computeIfAbsent(this.keys.group(tag), (group) -> new ArrayList<>(2)).add(tag);
		}
		return groups;
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
		byte[] ttlMillis = bytes(Long.toString(Math.max(1, ttl.toMillis())));
		if (this.keys.groups() > 1) {
			return writeGrouped(entryKey, leaseKey, token, envelope, ttlMillis);
		}
		byte[][] keys = new byte[3 + tags.size()][];
		keys[0] = this.keys.seq();
		keys[1] = entryKey;
		keys[2] = leaseKey;
		for (int i = 0; i < tags.size(); i++) {
			keys[3 + i] = this.keys.tag(tags.get(i));
		}
		byte[][] args = { bytes(envelope.epoch()), bytes(Long.toString(envelope.loadSeq())), ttlMillis,
				envelope.encode(), bytes(token) };
		List<?> reply = reply("write", this.runner.run("write", WRITE, keys, args));
		return asLong(reply.get(0)) == 1;
	}

	/**
	 * A write with several slot groups: first each group of the entry's tags checks, in
	 * one round trip, that nothing the entry depends on was invalidated since its load
	 * began; then the entry is stored only if all agree (and the lease released either
	 * way). An invalidation between the two is caught by the next read's validation, as
	 * the entry records each group's sequence at its load.
	 */
	private boolean writeGrouped(byte[] entryKey, byte[] leaseKey, String token, Envelope envelope, byte[] ttlMillis) {
		Map<Integer, List<String>> groups = byGroup(envelope.tags());
		List<RedisScriptRunner.ScriptCall> checks = new ArrayList<>(groups.size());
		boolean valid = true;
		for (Map.Entry<Integer, List<String>> group : groups.entrySet()) {
			Envelope.GroupLoad load = envelope.load(group.getKey());
			if (load == null) {
				valid = false;
				break;
			}
			List<String> tags = group.getValue();
			byte[][] keys = new byte[1 + tags.size()][];
			keys[0] = this.keys.seq(group.getKey());
			for (int i = 0; i < tags.size(); i++) {
				keys[1 + i] = this.keys.tag(tags.get(i));
			}
			checks.add(new RedisScriptRunner.ScriptCall(CHECK, keys, new byte[][] { bytes(load.epoch()),
					bytes(Long.toString(load.seq())), ttlMillis, bytes(newEpoch()) }));
		}
		if (valid && !checks.isEmpty()) {
			List<@Nullable Object> replies = this.runner.runAll("write", checks);
			int i = 0;
			for (Integer group : groups.keySet()) {
				List<?> reply = reply("write", replies.get(i++));
				valid &= asLong(reply.get(0)) == 1;
				String epoch = string(reply, 1);
				if (!epoch.isEmpty()) {
					this.stateListener.onState(new GroupState(group, epoch, Long.parseLong(string(reply, 2))));
				}
			}
		}
		byte[] stored = valid ? envelope.encode(this.keys.groups()) : new byte[0];
		this.runner.run("write", STORE, new byte[][] { entryKey, leaseKey },
				new byte[][] { bytes(token), ttlMillis, stored });
		return valid;
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
	 * @return per slot group of the tags, the epoch and sequence number of its
	 * invalidation (of its last message, if its tags make more than one message can
	 * carry)
	 * @throws RedisUnavailableException if Redis cannot be used, or too few replicas
	 * acknowledged the invalidation in time (operation {@code replica-ack}): it must be
	 * sent again, which is harmless. An {@link IncompleteInvalidationException} says
	 * which groups Redis did take.
	 */
	public List<Invalidated> invalidate(List<String> tags) {
		return invalidate(tags, false);
	}

	/**
	 * Invalidate tags and publish the invalidation, as the circuit breaker's probe: also
	 * while it is open ({@link CircuitBreaker#tryAcquireProbe()}). For the retry of an
	 * invalidation that Redis could not take.
	 * @param tags the tags, at least one
	 * @return per slot group of the tags, the epoch and sequence number of its
	 * invalidation
	 * @throws RedisUnavailableException if Redis cannot be used; an
	 * {@link IncompleteInvalidationException} says which groups Redis did take
	 */
	public List<Invalidated> retryInvalidation(List<String> tags) {
		return invalidate(tags, true);
	}

	private List<Invalidated> invalidate(List<String> tags, boolean probe) {
		// One script per slot group: each bumps its group's sequence and publishes on its
		// channel ([I1]). Receivers read a message up to InvalidationMessage.MAX_BYTES: a
		// larger invalidation goes as several, each one atomic. The last one's number
		// answers for all its group's tags: at least their own, so applying it
		// invalidates no less.
		Map<Integer, List<String>> groups = byGroup(tags);
		List<Integer> groupOfCall = new ArrayList<>(groups.size());
		List<RedisScriptRunner.ScriptCall> calls = new ArrayList<>(groups.size());
		groups.forEach((group, groupTags) -> {
			for (List<String> message : InvalidationMessage.split(groupTags)) {
				groupOfCall.add(group);
				calls.add(invalidateCall(group, message));
			}
		});
		List<@Nullable Object> outcomes = this.runner.waitsForReplicas() ? runAcknowledged(calls, probe)
				: this.runner.runEach("invalidate", calls, probe);
		// A group is done when all its messages are: they went in order on one
		// connection, the last one's number answering for them all.
		Map<Integer, @Nullable Sequence> done = new TreeMap<>();
		RedisUnavailableException failure = null;
		boolean onlyReplicasMissing = true;
		for (int i = 0; i < calls.size(); i++) {
			int group = groupOfCall.get(i);
			Object outcome = outcomes.get(i);
			if (outcome instanceof RedisUnavailableException ex) {
				failure = (failure != null) ? failure : ex;
				onlyReplicasMissing &= RedisScriptRunner.REPLICA_ACK.equals(ex.operation());
				done.put(group, null);
			}
			else if (!done.containsKey(group) || done.get(group) != null) {
				List<?> reply = reply("invalidate", outcome);
				done.put(group, new Sequence(string(reply, 0), Long.parseLong(string(reply, 1))));
			}
		}
		List<Invalidated> invalidated = new ArrayList<>(groups.size());
		done.forEach((group, sequence) -> {
			if (sequence != null) {
				invalidated.add(new Invalidated(group, sequence.epoch(), sequence.seq(), groups.get(group)));
			}
		});
		if (failure != null) {
			throw new IncompleteInvalidationException(
					onlyReplicasMissing ? RedisScriptRunner.REPLICA_ACK : "invalidate", failure, invalidated);
		}
		return invalidated;
	}

	/**
	 * One at a time, each waiting for its replicas; one failing does not stop the rest.
	 */
	private List<@Nullable Object> runAcknowledged(List<RedisScriptRunner.ScriptCall> calls, boolean probe) {
		List<@Nullable Object> outcomes = new ArrayList<>(calls.size());
		for (RedisScriptRunner.ScriptCall call : calls) {
			try {
				outcomes.add(this.runner.runAcknowledged("invalidate", call.script(), call.keys(), call.args(), probe));
			}
			catch (RedisUnavailableException ex) {
				outcomes.add(ex);
			}
		}
		return outcomes;
	}

	private RedisScriptRunner.ScriptCall invalidateCall(int group, List<String> tags) {
		byte[][] keys = new byte[1 + tags.size()][];
		byte[][] args = new byte[6 + tags.size()][];
		keys[0] = this.keys.seq(group);
		args[0] = bytes(newEpoch());
		args[1] = bytes(Long.toString(this.maxTtlMillis));
		args[2] = this.keys.channel(group);
		args[3] = bytes(this.instanceId);
		args[4] = bytes(Long.toString(nowMicros()));
		args[5] = this.publishCommand;
		for (int i = 0; i < tags.size(); i++) {
			keys[1 + i] = this.keys.tag(tags.get(i));
			args[6 + i] = bytes(tags.get(i));
		}
		return new RedisScriptRunner.ScriptCall(INVALIDATE, keys, args);
	}

	/**
	 * Read the first group's current epoch and sequence: {@link #currentSequence(int)} of
	 * group 0.
	 * @return them, or {@code null} if the sequence hash does not exist
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public @Nullable SequenceState currentSequence() {
		return currentSequence(0);
	}

	/**
	 * Read a slot group's current epoch and sequence, creating nothing, but for a new
	 * epoch over a sequence hash that another server incarnation holds ([I12] in
	 * {@code docs/correctness.md}).
	 * @param group the group
	 * @return them, or {@code null} if the sequence hash does not exist (no invalidation
	 * and no load since Redis started or was flushed)
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public @Nullable SequenceState currentSequence(int group) {
		return sequenceState(this.runner.run("sequence", SEQUENCE, sequenceKeys(group), sequenceArgs()));
	}

	/**
	 * Read every slot group's current epoch and sequence, in one round trip.
	 * @return them, by group; {@code null} for a group whose hash does not exist
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public List<@Nullable SequenceState> currentSequences() {
		if (this.keys.groups() == 1) {
			return Collections.singletonList(currentSequence(0));
		}
		List<RedisScriptRunner.ScriptCall> calls = new ArrayList<>(this.keys.groups());
		for (int group = 0; group < this.keys.groups(); group++) {
			calls.add(new RedisScriptRunner.ScriptCall(SEQUENCE, sequenceKeys(group), sequenceArgs()));
		}
		List<@Nullable SequenceState> states = new ArrayList<>(calls.size());
		for (Object reply : this.runner.runAll("sequence", calls)) {
			states.add(sequenceState(reply));
		}
		return states;
	}

	private byte[][] sequenceKeys(int group) {
		return new byte[][] { this.keys.seq(group) };
	}

	private static byte[][] sequenceArgs() {
		return new byte[][] { bytes(newEpoch()) };
	}

	private static @Nullable SequenceState sequenceState(@Nullable Object answer) {
		List<?> reply = reply("sequence", answer);
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
	 * Start a new epoch of the first group: {@link #restartEpoch(int, String, long)} of
	 * group 0.
	 * @param epoch the epoch in which the sequence went backwards
	 * @param seen the highest sequence seen in it
	 * @return the epoch and sequence as they are afterwards
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public Sequence restartEpoch(String epoch, long seen) {
		return restartEpoch(0, epoch, seen);
	}

	/**
	 * Start a new epoch of a slot group if its sequence is still below what was seen in
	 * {@code epoch}: Redis lost acknowledged invalidations. Conditional, so that
	 * processes noticing it at once start one epoch between them.
	 * @param group the group
	 * @param epoch the epoch in which the sequence went backwards
	 * @param seen the highest sequence seen in it
	 * @return the epoch and sequence as they are afterwards
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public Sequence restartEpoch(int group, String epoch, long seen) {
		List<?> reply = reply("rollback", this.runner.run("rollback", ROLLBACK, new byte[][] { this.keys.seq(group) },
				new byte[][] { bytes(epoch), bytes(Long.toString(seen)), bytes(newEpoch()) }));
		return new Sequence(string(reply, 0), Long.parseLong(string(reply, 1)));
	}

	/**
	 * Publish a probe message on every slot group's channel.
	 * @param nonce the probe's nonce, which its sender recognises when it comes back
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public void probe(String nonce) {
		for (int group = 0; group < this.keys.groups(); group++) {
			probe(group, nonce);
		}
	}

	/**
	 * Publish a probe message on a slot group's channel.
	 * @param group the group
	 * @param nonce the probe's nonce, which its sender recognises when it comes back
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public void probe(int group, String nonce) {
		this.runner.run("probe", PROBE, new byte[][] { this.keys.seq(group) }, new byte[][] { this.keys.channel(group),
				bytes(InvalidationMessage.probe(nonce)), this.publishCommand });
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
	 * This process's layout, as recorded for its namespace: {@code slot-groups=<G>}.
	 * @return the layout
	 */
	public String layout() {
		return "slot-groups=" + this.keys.groups();
	}

	/**
	 * Record this process's layout for its namespace unless one is recorded already, and
	 * read the one that is.
	 * @return the namespace's recorded layout: this process's own unless another process
	 * recorded a different one first
	 * @throws RedisUnavailableException if Redis cannot be used
	 */
	public String claimLayout() {
		List<?> reply = reply("layout", this.runner.run("layout", LAYOUT, new byte[][] { this.keys.layout() },
				new byte[][] { bytes(layout()) }));
		return string(reply, 0);
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
	 * @param states the current epoch and sequence of each slot group read (the load
	 * sequences of a load prepared now): with one group, that group; otherwise the groups
	 * of the argument tags and of the entry's tags
	 * @param envelope the valid entry, or {@code null} on a miss
	 * @param decoded the entry, decoded for its validation, or {@code null} if it was not
	 * (one group: the read script validated it; or it could not be decoded)
	 * @param ttlMillis remaining time to live of the entry
	 * @param leased on a miss, whether this load holds the lease (or none was asked for)
	 * @param leaseTtlMillis on a miss, how long the lease has left
	 */
	public record ReadResult(List<GroupState> states, byte @Nullable [] envelope, @Nullable Envelope decoded,
			long ttlMillis, boolean leased, long leaseTtlMillis) {

		public boolean hit() {
			return this.envelope != null;
		}

		/**
		 * The state of a group read.
		 * @param group the group
		 * @return its state, or {@code null} if it was not read
		 */
		public @Nullable GroupState state(int group) {
			for (GroupState state : this.states) {
				if (state.group() == group) {
					return state;
				}
			}
			return null;
		}

	}

	/**
	 * A slot group's epoch and sequence, as a reply gave them.
	 *
	 * @param group the group
	 * @param epoch its epoch
	 * @param seq its sequence
	 */
	public record GroupState(int group, String epoch, long seq) {
	}

	/**
	 * One slot group's invalidation of some tags.
	 *
	 * @param group the group
	 * @param epoch its epoch
	 * @param seq the invalidation's sequence number
	 * @param tags the tags of the group it invalidated
	 */
	public record Invalidated(int group, String epoch, long seq, List<String> tags) {
	}

	/** Told of a slot group's state found by a write. */
	@FunctionalInterface
	public interface StateListener {

		void onState(GroupState state);

	}

	/** A group's reply to the state script: its state and the tag records asked for. */
	private record GroupReply(int group, String epoch, long seq, Map<String, Long> records) {

		static GroupReply of(int group, List<String> tags, List<?> reply) {
			Map<String, Long> records = new HashMap<>();
			for (int i = 0; i < tags.size() && 2 + i < reply.size(); i++) {
				records.put(tags.get(i), asLong(reply.get(2 + i)));
			}
			return new GroupReply(group, string(reply, 0), Long.parseLong(string(reply, 1)), records);
		}

		/**
		 * Two replies of one group: an epoch that changed between them kills the entry.
		 */
		GroupReply merge(GroupReply later) {
			if (!this.epoch.equals(later.epoch)) {
				return later;
			}
			Map<String, Long> records = new HashMap<>(this.records);
			records.putAll(later.records);
			return new GroupReply(this.group, this.epoch, Math.max(this.seq, later.seq), records);
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
