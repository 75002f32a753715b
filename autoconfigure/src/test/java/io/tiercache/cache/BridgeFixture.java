package io.tiercache.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.StoreOptions;
import io.tiercache.store.TestRedisConfigurations;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerHandle;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One process's worth of tiercache with a template and a Spring cache manager against a
 * real Redis, wired by the store's builder as the auto-configuration wires it.
 */
public final class BridgeFixture implements AutoCloseable {

	public final LocalTrust trust;

	public final TieredStore store;

	public final TierCacheTemplate template;

	public final TierCacheCacheManager cacheManager;

	private final LettuceConnectionFactory connectionFactory;

	private final InvalidationSubscriber subscriber;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	public BridgeFixture(RedisServerHandle server, StoreObserver observer, boolean allowNullValues) {
		this.connectionFactory = new LettuceConnectionFactory(TestRedisConfigurations.of(server));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.store = TieredStore.builder(this.connectionFactory)
			.options(StoreOptions.builder()
				.localMaximumSize(1000)
				.maxTtl(Duration.ofHours(1))
				.breaker(1, Duration.ofMillis(200))
				.build())
			.observer(observer)
			.build();
		this.trust = this.store.trust();
		this.subscriber = new InvalidationSubscriber(this.connectionFactory, this.store,
				InvalidationSubscriber.Observer.NONE, Duration.ofSeconds(5), Duration.ofMillis(100));
		this.subscriber.start();
		this.template = new TierCacheTemplate(this.store,
				(name) -> new CacheSettings(name, Duration.ofMinutes(10), Jitter.NONE, null, true, true));
		this.cacheManager = new TierCacheCacheManager(this.template, new SpringCacheValueCodec(List.of("io.tiercache")),
				allowNullValues, this.executor);
	}

	@Override
	public void close() {
		this.subscriber.stop();
		this.store.close();
		this.executor.shutdownNow();
		this.connectionFactory.destroy();
	}

}
