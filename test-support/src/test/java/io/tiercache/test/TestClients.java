package io.tiercache.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

/**
 * Lettuce connections for one test that never reconnect, so a connection dropped by the
 * server stays visible. Closed after each test.
 */
final class TestClients implements AutoCloseable {

	private static final ClientResources RESOURCES = DefaultClientResources.create();

	private final List<RedisClient> clients = new ArrayList<>();

	StatefulRedisConnection<String, String> connect(String uri) {
		return connect(uri, Duration.ofSeconds(10));
	}

	StatefulRedisConnection<String, String> connect(String uri, Duration timeout) {
		return client(uri, timeout, ProtocolVersion.RESP3).connect();
	}

	StatefulRedisPubSubConnection<String, String> connectPubSub(String uri, ProtocolVersion protocolVersion) {
		return client(uri, Duration.ofSeconds(10), protocolVersion).connectPubSub();
	}

	private RedisClient client(String uri, Duration timeout, ProtocolVersion protocolVersion) {
		RedisURI redisUri = RedisURI.create(uri);
		redisUri.setTimeout(timeout);
		RedisClient client = RedisClient.create(RESOURCES, redisUri);
		client.setOptions(ClientOptions.builder().autoReconnect(false).protocolVersion(protocolVersion).build());
		this.clients.add(client);
		return client;
	}

	@Override
	public void close() {
		this.clients.forEach((client) -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
		this.clients.clear();
	}

}
