package io.tiercache.fanout;

/**
 * The subscription to the invalidation channel that an {@link InvalidationSubscriber}
 * keeps: classic pub/sub through Spring Data Redis's listener container, or sharded
 * pub/sub on Redis Cluster. Messages and (un)subscriptions reach the subscriber's
 * {@code MessageListener} and {@code SubscriptionListener} callbacks, in the order Redis
 * sent them, on the connection's I/O thread.
 */
interface ChannelSubscription {

	/**
	 * Subscribe, or subscribe again after {@link #stop()}.
	 * @throws RuntimeException if Redis could not be reached or refused the subscription;
	 * the subscription is then stopped, and the next call tries again
	 */
	void start();

	/** Stop receiving, until {@link #start()}. */
	void stop();

	/**
	 * Whether messages can arrive: subscribed, or being subscribed again by the client
	 * after a dropped connection to a node that still serves the channel.
	 */
	boolean isListening();

	/**
	 * A pub/sub connection of the client dropped: if it is one of this subscription's,
	 * what it had subscribed is gone until {@link #start()}, whatever the client does on
	 * reconnecting.
	 * @param connection the connection
	 */
	default void connectionLost(Object connection) {
	}

	/** Stop for good and release what the subscription holds. */
	void close();

}
