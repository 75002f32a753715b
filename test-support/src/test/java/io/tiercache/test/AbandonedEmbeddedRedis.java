package io.tiercache.test;

/**
 * Starts an {@link EmbeddedRedis} and exits without closing it, for
 * {@link EmbeddedRedisTests} to check that the shutdown hook stops it.
 */
public final class AbandonedEmbeddedRedis {

	private AbandonedEmbeddedRedis() {
	}

	public static void main(String[] args) {
		EmbeddedRedis redis = EmbeddedRedis.start();
		System.out.println("port=" + redis.port());
		System.out.println("directory=" + redis.directory());
		System.exit(0);
	}

}
