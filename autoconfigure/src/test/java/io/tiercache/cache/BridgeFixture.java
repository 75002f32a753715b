package io.tiercache.cache;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.github.benmanes.caffeine.cache.Ticker;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.fanout.InvalidationView;
import io.tiercache.redis.CircuitBreaker;
import io.tiercache.redis.RedisKeys;
import io.tiercache.redis.RedisScriptRunner;
import io.tiercache.redis.RedisTier;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.JacksonValueCodec;
import io.tiercache.store.Jitter;
import io.tiercache.store.KeyRenderer;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.TieredStore;
import io.tiercache.test.RedisServerHandle;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One process's worth of tiercache with a template and a Spring cache manager, wired by hand
 * against a real Redis.
 */
public final class BridgeFixture implements AutoCloseable {

	public final InvalidationView view = new InvalidationView();

	public final TieredStore store;

	public final TierCacheTemplate template;

	public final TierCacheCacheManager cacheManager;

	private final LettuceConnectionFactory connectionFactory;

	private final InvalidationSubscriber subscriber;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	public BridgeFixture(RedisServerHandle server, StoreObserver observer, boolean allowNullValues) {
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofMillis(200), System::nanoTime);
		RedisTier redis = new RedisTier(new RedisScriptRunner(this.connectionFactory, Duration.ofMillis(500), breaker),
				new RedisKeys("tc", "v1"), Duration.ofHours(1), UUID.randomUUID().toString());
		JsonMapper mapper = JsonMapper.builder().build();
		this.store = new TieredStore(redis, this.view,
				new SpringCacheValueCodec(new JacksonValueCodec(mapper), List.of("io.tiercache")),
				new KeyRenderer(mapper),
				new TieredStore.Options(1000, Duration.ofMinutes(5), Ticker.systemTicker(), System::currentTimeMillis),
				observer);
		this.subscriber = new InvalidationSubscriber(this.connectionFactory, redis, this.view,
				InvalidationSubscriber.Observer.NONE, Duration.ofSeconds(5), Duration.ofMillis(100));
		this.subscriber.start();
		this.template = new TierCacheTemplate(this.store, new KeyRenderer(mapper),
				(name) -> new CacheSettings(name, Duration.ofMinutes(10), Jitter.NONE, null, true, true));
		this.cacheManager = new TierCacheCacheManager(this.template, allowNullValues, this.executor);
	}

	@Override
	public void close() {
		this.subscriber.stop();
		this.store.close();
		this.executor.shutdownNow();
		this.connectionFactory.destroy();
	}

}
