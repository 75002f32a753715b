package io.tiercache.test;

/**
 * A {@link RedisServerHandle} that {@link RedisServerExtension} started or connected to,
 * and closes when its test class is done.
 */
interface OwnedRedisServer extends RedisServerHandle, AutoCloseable {

	/**
	 * Whether the server is started here, so that a test may stop and start it.
	 * @return {@code true} unless it is an external server
	 */
	boolean isEmbedded();

	@Override
	void close();

}
