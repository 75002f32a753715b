package io.tiercache.store;

import io.tiercache.test.RedisServerHandle;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;

/**
 * The Spring Data Redis configuration of a test's Redis: one server, or the Redis Cluster
 * that {@code -Dtiercache.test.redis=cluster} starts instead.
 */
public final class TestRedisConfigurations {

	private TestRedisConfigurations() {
	}

	public static RedisConfiguration of(RedisServerHandle server) {
		return server.clusterNodes().isEmpty() ? new RedisStandaloneConfiguration(server.host(), server.port())
				: new RedisClusterConfiguration(server.clusterNodes());
	}

}
