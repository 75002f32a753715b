package io.tiercache.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.types.Expiration;

/**
 * The tag index that JetCache-like libraries keep, written by hand as the alternative to
 * tiercache's invalidation by sequence: each write adds the entry's key to a Redis set
 * per tag, and invalidating a tag reads the set and deletes every key in it. Invalidation
 * costs O(n) in the entries carrying the tag (and the set races with concurrent writes
 * and leaks keys that expired on their own, which this benchmark does not exercise).
 */
public class NaiveTagIndex {

	private static final String TAG_PREFIX = "naive:tag:";

	private final StringRedisTemplate redis;

	public NaiveTagIndex(StringRedisTemplate redis) {
		this.redis = redis;
	}

	/**
	 * What one write does: {@code SET key value PX ttl}, then {@code SADD tag key}.
	 * @param key the entry key
	 * @param value the serialized value
	 * @param ttl the time to live
	 * @param tag the entry's tag
	 */
	public void put(String key, String value, Duration ttl, String tag) {
		this.redis.opsForValue().set(key, value, ttl);
		this.redis.opsForSet().add(TAG_PREFIX + tag, key);
	}

	/**
	 * The state {@link #put} leaves after writing each key, in one pipeline: setup only.
	 * @param keys the entry keys
	 * @param value the serialized value of every entry
	 * @param ttl the time to live
	 * @param tag the tag every entry carries
	 */
	public void putAll(List<String> keys, String value, Duration ttl, String tag) {
		byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
		byte[][] keyBytes = new byte[keys.size()][];
		for (int i = 0; i < keyBytes.length; i++) {
			keyBytes[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
		}
		Expiration expiration = Expiration.from(ttl);
		byte[] index = (TAG_PREFIX + tag).getBytes(StandardCharsets.UTF_8);
		this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (byte[] key : keyBytes) {
				connection.stringCommands().set(key, valueBytes, expiration, SetOption.upsert());
			}
			connection.setCommands().sAdd(index, keyBytes);
			return null;
		});
	}

	/**
	 * Invalidate a tag: {@code SMEMBERS tag}, {@code DEL key...}, {@code DEL tag}.
	 * @param tag the tag
	 * @return the number of entries deleted
	 */
	public long invalidate(String tag) {
		String index = TAG_PREFIX + tag;
		Set<String> keys = this.redis.opsForSet().members(index);
		long deleted = 0;
		if (keys != null && !keys.isEmpty()) {
			Long count = this.redis.delete((Collection<String>) keys);
			deleted = (count != null) ? count : 0;
		}
		this.redis.delete(index);
		return deleted;
	}

	/**
	 * Number of members of a tag's set.
	 * @param tag the tag
	 * @return the size of its index
	 */
	public long indexSize(String tag) {
		Long size = this.redis.opsForSet().size(TAG_PREFIX + tag);
		return (size != null) ? size : 0;
	}

	/**
	 * Number of the given keys that exist.
	 * @param keys the keys
	 * @return how many exist
	 */
	public long existing(Collection<String> keys) {
		Long count = this.redis.countExistingKeys(keys);
		return (count != null) ? count : 0;
	}

}
