package io.tiercache.fanout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Classic pub/sub ({@code SUBSCRIBE}) on a listener container that tiercache owns (not
 * the application's {@code redisMessageListenerContainer}, if any): standalone Redis and
 * Sentinel.
 */
final class ContainerSubscription implements ChannelSubscription {

	private static final Logger logger = LoggerFactory.getLogger(ContainerSubscription.class);

	private final RedisMessageListenerContainer container = new RedisMessageListenerContainer();

	ContainerSubscription(RedisConnectionFactory connectionFactory, List<byte[]> channels, MessageListener listener) {
		this.container.setConnectionFactory(connectionFactory);
		// Messages are applied on the connection's own I/O thread, in the order Redis
		// sent them (gap detection depends on it; the container's default starts a thread
		// per message), and without a hand-off to another thread, which on a busy host
		// costs more than the delivery itself.
		this.container.setTaskExecutor(Runnable::run);
		this.container.setBeanName("tiercacheInvalidationListenerContainer");
		for (byte[] channel : channels) {
			this.container.addMessageListener(listener, new ChannelTopic(new String(channel, StandardCharsets.UTF_8)));
		}
		this.container.afterPropertiesSet();
	}

	@Override
	public void start() {
		try {
			this.container.start();
		}
		catch (RuntimeException ex) {
			// The container counts itself started even when it could not subscribe.
			stop();
			throw ex;
		}
	}

	@Override
	public void stop() {
		try {
			this.container.stop();
		}
		catch (RuntimeException ex) {
			logger.debug("Error stopping the invalidation listener container", ex);
		}
	}

	@Override
	public boolean isListening() {
		// A subscription that existed is re-established by Lettuce, and the container
		// keeps listening meanwhile.
		return this.container.isListening();
	}

	@Override
	public void close() {
		stop();
		try {
			this.container.destroy();
		}
		catch (Exception ex) {
			logger.debug("Error stopping the invalidation listener container", ex);
		}
	}

}
