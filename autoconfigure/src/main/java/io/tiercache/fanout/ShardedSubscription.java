package io.tiercache.fanout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.DefaultMessage;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * Sharded pub/sub ({@code SSUBSCRIBE}) on Redis Cluster, where a classic {@code PUBLISH}
 * is copied to every node of the cluster: each slot group's channel lives in its group's
 * slot, and only the nodes of that slot's shard carry its messages. Spring Data Redis has
 * no sharded pub/sub, and Lettuce's cluster pub/sub connection does not follow a channel
 * to another node after a failover or a slot migration, so tiercache keeps the
 * subscriptions itself: one connection per master that serves a channel's slot, found
 * from a fresh read of the topology at every {@link #start()}, and one {@code SSUBSCRIBE}
 * per channel (a command naming channels of several slots is refused).
 * <p>
 * A dropped connection is reported by Lettuce's connection events (the subscriber
 * withdraws trust) and {@link #isListening()} is {@code false} from then on, since
 * Lettuce's own resubscription names channels of several slots in one command, which the
 * node refuses; a {@code SUNSUBSCRIBE} pushed by a node (a slot moved away) reaches the
 * subscriber's {@link SubscriptionListener#onChannelUnsubscribed}. Either way the
 * subscriber's next check subscribes again, every channel at its slot's owner then.
 */
final class ShardedSubscription implements ChannelSubscription {

	private final RedisClusterClient client;

	private final List<byte[]> channels;

	private final MessageListener messages;

	private final SubscriptionListener subscriptions;

	private final Duration timeout;

	// Guarded by this.
	private @Nullable StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster;

	/** The node connections of the current subscription, by node id. */
	private volatile Map<String, StatefulRedisPubSubConnection<byte[], byte[]>> nodes = Map.of();

	/** Whether a node connection of this subscription dropped since {@link #start()}. */
	private volatile boolean lost;

	/** Channels confirmed subscribed on a current node connection. */
	private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

	ShardedSubscription(RedisClusterClient client, List<byte[]> channels, MessageListener messages,
			SubscriptionListener subscriptions, Duration timeout) {
		this.client = client;
		this.channels = List.copyOf(channels);
		this.messages = messages;
		this.subscriptions = subscriptions;
		this.timeout = timeout;
	}

	@Override
	public synchronized void start() {
		stop();
		try {
			// The slots may have moved since the client last looked (a failover, a
			// migration): ask the cluster, not the client's cached view.
			this.client.refreshPartitions();
			StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster = this.client
				.connectPubSub(ByteArrayCodec.INSTANCE);
			this.cluster = cluster;
			Map<String, StatefulRedisPubSubConnection<byte[], byte[]>> nodes = new HashMap<>();
			Map<StatefulRedisPubSubConnection<byte[], byte[]>, List<byte[]>> byNode = new HashMap<>();
			for (byte[] channel : this.channels) {
				int slot = SlotHash.getSlot(channel);
				RedisClusterNode owner = cluster.getPartitions().getMasterBySlot(slot);
				if (owner == null) {
					throw new IllegalStateException("No Redis Cluster master serves slot " + slot);
				}
				StatefulRedisPubSubConnection<byte[], byte[]> node = nodes.computeIfAbsent(owner.getNodeId(),
						(id) -> cluster.getConnection(id));
				byNode.computeIfAbsent(node, (connection) -> new ArrayList<>()).add(channel);
			}
			for (StatefulRedisPubSubConnection<byte[], byte[]> node : byNode.keySet()) {
				node.addListener(new Listener(node));
			}
			this.nodes = Map.copyOf(nodes);
			List<Future<?>> sent = new ArrayList<>(this.channels.size());
			byNode.forEach((node, channels) -> {
				for (byte[] channel : channels) {
					sent.add(node.async().ssubscribe(channel));
				}
			});
			long deadline = System.nanoTime() + this.timeout.toNanos();
			for (Future<?> subscription : sent) {
				subscription.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
		}
		catch (Exception ex) {
			stop();
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw (ex instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException("Could not subscribe to the invalidation channels: " + ex, ex);
		}
	}

	@Override
	public synchronized void stop() {
		this.nodes = Map.of();
		this.lost = false;
		this.subscribed.clear();
		if (this.cluster != null) {
			this.cluster.closeAsync();
			this.cluster = null;
		}
	}

	@Override
	public boolean isListening() {
		Map<String, StatefulRedisPubSubConnection<byte[], byte[]>> nodes = this.nodes;
		if (nodes.isEmpty() || this.lost || this.subscribed.size() < this.channels.size()) {
			return false;
		}
		for (StatefulRedisPubSubConnection<byte[], byte[]> node : nodes.values()) {
			if (!node.isOpen()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Lettuce subscribes a reconnected connection again with one {@code SSUBSCRIBE} of
	 * all its channels, which a node refuses when they are of several slots: so a dropped
	 * node connection counts as not listening until {@link #start()} subscribes afresh.
	 */
	@Override
	public void connectionLost(Object connection) {
		if (this.nodes.containsValue(connection)) {
			this.lost = true;
		}
	}

	@Override
	public void close() {
		stop();
	}

	/**
	 * Events of one node connection: those of a connection since replaced are ignored.
	 */
	private final class Listener extends RedisPubSubAdapter<byte[], byte[]> {

		private final StatefulRedisPubSubConnection<byte[], byte[]> connection;

		Listener(StatefulRedisPubSubConnection<byte[], byte[]> connection) {
			this.connection = connection;
		}

		private boolean current() {
			return ShardedSubscription.this.nodes.containsValue(this.connection);
		}

		@Override
		public void smessage(byte[] channel, byte[] message) {
			if (current()) {
				ShardedSubscription.this.messages.onMessage(new DefaultMessage(channel, message), null);
			}
		}

		@Override
		public void ssubscribed(byte[] channel, long count) {
			if (current()) {
				ShardedSubscription.this.subscribed.add(new String(channel, StandardCharsets.UTF_8));
				ShardedSubscription.this.subscriptions.onChannelSubscribed(channel, count);
			}
		}

		@Override
		public void sunsubscribed(byte[] channel, long count) {
			if (current()) {
				ShardedSubscription.this.subscribed.remove(new String(channel, StandardCharsets.UTF_8));
				ShardedSubscription.this.subscriptions.onChannelUnsubscribed(channel, count);
			}
		}

	}

}
