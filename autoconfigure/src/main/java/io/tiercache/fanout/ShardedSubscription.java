package io.tiercache.fanout;

import java.time.Duration;
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
 * is copied to every node of the cluster: the channel lives in one slot, and only the
 * nodes of that slot's shard carry its messages. Spring Data Redis has no sharded
 * pub/sub, and Lettuce's cluster pub/sub connection does not follow a channel to another
 * node after a failover or a slot migration, so tiercache keeps the subscription itself:
 * on its own connection to the master that serves the channel's slot, found from a fresh
 * read of the topology at every {@link #start()}.
 * <p>
 * A dropped connection is reported by Lettuce's connection events (the subscriber
 * withdraws trust) and {@link #isListening()} is {@code false} until the node answers
 * again; a {@code SUNSUBSCRIBE} pushed by the node (the slot moved away) reaches the
 * subscriber's {@link SubscriptionListener#onChannelUnsubscribed}. Either way the
 * subscriber's next check subscribes again, at the slot's owner then.
 */
final class ShardedSubscription implements ChannelSubscription {

	private final RedisClusterClient client;

	private final byte[] channel;

	private final MessageListener messages;

	private final SubscriptionListener subscriptions;

	private final Duration timeout;

	// Guarded by this.
	private @Nullable StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster;

	private volatile @Nullable StatefulRedisPubSubConnection<byte[], byte[]> node;

	private volatile boolean subscribed;

	ShardedSubscription(RedisClusterClient client, byte[] channel, MessageListener messages,
			SubscriptionListener subscriptions, Duration timeout) {
		this.client = client;
		this.channel = channel;
		this.messages = messages;
		this.subscriptions = subscriptions;
		this.timeout = timeout;
	}

	@Override
	public synchronized void start() {
		stop();
		try {
			// The slot may have moved since the client last looked (a failover, a
			// migration): ask the cluster, not the client's cached view.
			this.client.refreshPartitions();
			StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster = this.client
				.connectPubSub(ByteArrayCodec.INSTANCE);
			this.cluster = cluster;
			int slot = SlotHash.getSlot(this.channel);
			RedisClusterNode owner = cluster.getPartitions().getMasterBySlot(slot);
			if (owner == null) {
				throw new IllegalStateException("No Redis Cluster master serves slot " + slot);
			}
			StatefulRedisPubSubConnection<byte[], byte[]> node = cluster.getConnection(owner.getNodeId());
			node.addListener(new Listener(node));
			this.node = node;
			node.async().ssubscribe(this.channel).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			stop();
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw (ex instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException("Could not subscribe to the invalidation channel: " + ex, ex);
		}
	}

	@Override
	public synchronized void stop() {
		this.subscribed = false;
		this.node = null;
		if (this.cluster != null) {
			this.cluster.closeAsync();
			this.cluster = null;
		}
	}

	@Override
	public boolean isListening() {
		StatefulRedisPubSubConnection<byte[], byte[]> node = this.node;
		return this.subscribed && node != null && node.isOpen();
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
			return ShardedSubscription.this.node == this.connection;
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
				ShardedSubscription.this.subscribed = true;
				ShardedSubscription.this.subscriptions.onChannelSubscribed(channel, count);
			}
		}

		@Override
		public void sunsubscribed(byte[] channel, long count) {
			if (current()) {
				ShardedSubscription.this.subscribed = false;
				ShardedSubscription.this.subscriptions.onChannelUnsubscribed(channel, count);
			}
		}

	}

}
