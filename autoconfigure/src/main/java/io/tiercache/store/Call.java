package io.tiercache.store;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one load of a {@link TieredCache} needs to know, captured before its first round
 * trip: its keys, its argument tags with their states ([I6], [I7] in
 * {@code docs/correctness.md}), the version and generation of the local trust state
 * ([I7], [I9]), and its lease token.
 */
final class Call {

	private static final int[] ONE_GROUP = { 0 };

	final Object key;

	final byte[] entryKey;

	final byte[] leaseKey;

	final CacheLoad load;

	final List<String> argumentTags;

	// The slot groups of the argument tags, whose states the read returns (group 0 alone
	// with one group, whatever the tags).
	final int[] argumentGroups;

	// Held strongly for the whole load ([I6]), resolved before the round trip ([I7]).
	final TagState[] argumentStates;

	final long version;

	// Read before the round trip ([I9]).
	final long generation;

	// Only needs to differ from other loads' tokens: a lease token guards against another
	// loader's release, not against an adversary.
	final String token = Long.toHexString(ThreadLocalRandom.current().nextLong())
			+ Long.toHexString(ThreadLocalRandom.current().nextLong());

	final boolean async;

	final String renderedKey;

	/**
	 * Capture a load.
	 * @param key the cache key
	 * @param renderedKey the key as rendered in Redis, which picks the shard of the
	 * cache's tag ({@link CacheTagShards})
	 * @param entryKey the entry's Redis key
	 * @param leaseKey the lease's Redis key
	 * @param load the call that missed
	 * @param version the local trust state's version when the caller started
	 * @param async whether the method returns a {@code CompletableFuture}
	 * @param trust the local trust state
	 * @param local whether the cache keeps local entries (then argument tags' states are
	 * held)
	 */
	Call(Object key, String renderedKey, byte[] entryKey, byte[] leaseKey, CacheLoad load, long version, boolean async,
			LocalTrust trust, boolean local) {
		this.key = key;
		this.renderedKey = renderedKey;
		this.entryKey = entryKey;
		this.leaseKey = leaseKey;
		this.load = load;
		this.version = version;
		this.async = async;
		this.generation = trust.generation();
		this.argumentTags = CacheTagShards.forEntry(TagInvalidations.distinct(load.argumentTags()), renderedKey,
				trust.groups());
		this.argumentGroups = (trust.groups() == 1) ? ONE_GROUP
				: this.argumentTags.stream().mapToInt(trust.tags()::group).distinct().sorted().toArray();
		this.argumentStates = local ? trust.tags().states(this.argumentTags) : TagTable.NO_STATES;
	}

}
