package io.tiercache.fanout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.tiercache.fanout.InvalidationView.ClearReason;
import io.tiercache.fanout.InvalidationView.Distrust;
import io.tiercache.redis.InvalidationMessage;
import io.tiercache.redis.RedisTier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * This process's subscription to the invalidation channel, on a listener container that
 * tiercache owns (not the application's {@code redisMessageListenerContainer}, if any).
 * <p>
 * Messages carry consecutive sequence numbers, so a lost one shows up as a gap, which clears
 * the local tier. Until the subscription is confirmed the local tier is not trusted, and every
 * re-subscription (after Lettuce reconnected) clears it, since messages may have been missed
 * while disconnected.
 *
 * @since 0.1.0
 */
public final class InvalidationSubscriber implements MessageListener, SubscriptionListener {

	private static final Logger logger = LoggerFactory.getLogger(InvalidationSubscriber.class);

	/** Told of what the subscriber sees, for metrics. */
	public interface Observer {

		/** Observes nothing. */
		Observer NONE = new Observer() {
		};

		/**
		 * An invalidation arrived.
		 * @param lagMicros time from publish to local apply
		 */
		default void received(long lagMicros) {
		}

		/** A message could not be decoded and was dropped. */
		default void malformed() {
		}

	}

	private final InvalidationView view;

	private final RedisMessageListenerContainer container;

	private final Observer observer;

	private final ExecutorService executor;

	private final AtomicBoolean subscribedOnce = new AtomicBoolean();

	private volatile boolean stopping;

	private final CompletableFuture<Void> confirmed = new CompletableFuture<>();

	private final AtomicBoolean malformedLogged = new AtomicBoolean();

	private @Nullable String lastEpoch;

	private long lastSeq;

	public InvalidationSubscriber(RedisConnectionFactory connectionFactory, RedisTier redis, InvalidationView view,
			Observer observer) {
		this.view = view;
		this.observer = observer;
		this.container = new RedisMessageListenerContainer();
		this.container.setConnectionFactory(connectionFactory);
		// One thread, so messages are applied in the order Redis sent them: gap detection
		// depends on it (the container's default starts a thread per message).
		this.executor = Executors.newSingleThreadExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "tiercache-invalidations");
			thread.setDaemon(true);
			return thread;
		});
		this.container.setTaskExecutor(this.executor);
		this.container.setBeanName("tiercacheInvalidationListenerContainer");
		this.container.addMessageListener(this, new ChannelTopic(redis.keys().base() + "invalidations"));
		view.distrust(Distrust.UNSUBSCRIBED, ClearReason.DISCONNECT);
	}

	/**
	 * Subscribe, and wait (boundedly) until the subscription is confirmed, so that the local
	 * tier is trusted before the application takes traffic. If confirmation is late, the local
	 * tier stays bypassed until it comes: slower, never wrong.
	 * @param timeout how long to wait for confirmation
	 */
	public void start(Duration timeout) {
		this.container.afterPropertiesSet();
		this.container.start();
		try {
			this.confirmed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("Invalidation channel subscription not confirmed within {}: the local tier is bypassed "
					+ "until it is", timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
	}

	public void stop() {
		this.stopping = true;
		this.container.stop();
		try {
			this.container.destroy();
		}
		catch (Exception ex) {
			logger.debug("Error stopping the invalidation listener container", ex);
		}
		this.executor.shutdownNow();
	}

	public boolean isRunning() {
		return this.container.isRunning();
	}

	@Override
	public void onChannelSubscribed(byte[] channel, long count) {
		synchronized (this) {
			// Numbering restarts from the next message: what was missed meanwhile is gone with the
			// entries cleared below.
			this.lastEpoch = null;
		}
		if (!this.subscribedOnce.compareAndSet(false, true)) {
			this.view.clear(ClearReason.DISCONNECT);
		}
		this.view.restoreTrust(Distrust.UNSUBSCRIBED, ClearReason.DISCONNECT);
		this.confirmed.complete(null);
	}

	@Override
	public void onChannelUnsubscribed(byte[] channel, long count) {
		if (this.stopping) {
			return;
		}
		this.view.distrust(Distrust.UNSUBSCRIBED, ClearReason.DISCONNECT);
	}

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		InvalidationMessage invalidation = InvalidationMessage.decode(message.getBody());
		if (invalidation == null) {
			this.observer.malformed();
			if (this.malformedLogged.compareAndSet(false, true)) {
				logger.warn("Dropped a malformed message on the invalidation channel (logged once)");
			}
			return;
		}
		boolean gap;
		synchronized (this) {
			gap = invalidation.epoch().equals(this.lastEpoch) && invalidation.seq() > this.lastSeq + 1;
			if (!invalidation.epoch().equals(this.lastEpoch) || invalidation.seq() > this.lastSeq) {
				this.lastEpoch = invalidation.epoch();
				this.lastSeq = invalidation.seq();
			}
		}
		this.view.apply(invalidation.epoch(), invalidation.seq(), invalidation.tags());
		if (gap) {
			logger.info("Invalidation message(s) lost before sequence {}: clearing the local tier", invalidation.seq());
			this.view.clear(ClearReason.GAP);
		}
		this.observer.received(Math.max(0, RedisTier.nowMicros() - invalidation.publishedMicros()));
	}

}
