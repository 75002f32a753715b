package io.tiercache.test;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that gives a test class a real Redis with no manual step, so cache
 * tests exercise the actual protocol, restarts and timeouts rather than a mock.
 * <p>
 * If the {@code REDIS_URL} environment variable is set (for example
 * {@code redis://127.0.0.1:6379}) that server is used and flushed before the class runs;
 * otherwise an {@link EmbeddedRedis} is started on a free port and stopped after the
 * class. A Redis that cannot be reached fails the class: tests are never skipped.
 * <p>
 * Register it on a static field to call the {@link RedisServerHandle} methods on it
 * directly: <pre class="code">
 * &#64;RegisterExtension
 * static RedisServerExtension redis = new RedisServerExtension();
 * </pre> or with {@code @ExtendWith(RedisServerExtension.class)} and declare a
 * {@link RedisServerHandle} parameter on a test or lifecycle method. {@code @Nested}
 * classes share the server of their enclosing class. A test that stops the embedded
 * server without starting it again gets it started after it, for the next test.
 */
public class RedisServerExtension
		implements BeforeAllCallback, AfterAllCallback, AfterEachCallback, ParameterResolver, RedisServerHandle {

	/**
	 * Environment variable naming an external server to use instead of an embedded one.
	 */
	public static final String REDIS_URL = "REDIS_URL";

	/**
	 * System property that, set to {@value #CLUSTER}, makes every extension not bound to
	 * {@code REDIS_URL} start a Redis Cluster of three masters with a replica each
	 * instead of one server, so that a suite written for one server runs against a
	 * cluster unchanged.
	 */
	public static final String REDIS_PROPERTY = "tiercache.test.redis";

	/** The value of {@link #REDIS_PROPERTY} that asks for a cluster. */
	public static final String CLUSTER = "cluster";

	private final String redisUrl;

	private volatile OwnedRedisServer handle;

	private String owner;

	/**
	 * Create an extension that uses {@code REDIS_URL} if set, an embedded server if not.
	 */
	public RedisServerExtension() {
		this(System.getenv(REDIS_URL));
	}

	/**
	 * An extension that always starts its own embedded server, even when
	 * {@code REDIS_URL} is set: for tests that stop and start Redis, which they cannot do
	 * to a server they do not own.
	 * @return the extension
	 */
	public static RedisServerExtension embedded() {
		return new RedisServerExtension(null);
	}

	RedisServerExtension(String redisUrl) {
		this.redisUrl = (redisUrl != null && !redisUrl.isBlank()) ? redisUrl.trim() : null;
	}

	@Override
	public synchronized void beforeAll(ExtensionContext context) {
		if (this.handle == null) {
			this.handle = (this.redisUrl != null) ? DefaultRedisServerHandle.external(this.redisUrl)
					: CLUSTER.equals(System.getProperty(REDIS_PROPERTY)) ? ClusterServerHandle.startCluster()
							: DefaultRedisServerHandle.embedded();
			this.owner = context.getUniqueId();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		OwnedRedisServer handle = this.handle;
		if (handle != null && handle.isEmbedded() && !handle.isRunning()) {
			handle.start();
		}
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		// nested classes run beforeAll/afterAll too: only the class that started it stops
		// it
		if (this.handle != null && context.getUniqueId().equals(this.owner)) {
			try {
				this.handle.close();
			}
			finally {
				this.handle = null;
				this.owner = null;
			}
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisServerHandle.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		if (this.handle == null) {
			throw new ParameterResolutionException(notStartedMessage());
		}
		return this;
	}

	@Override
	public String host() {
		return handle().host();
	}

	@Override
	public int port() {
		return handle().port();
	}

	@Override
	public String uri() {
		return handle().uri();
	}

	@Override
	public String[] springProperties() {
		return handle().springProperties();
	}

	@Override
	public boolean isRunning() {
		return handle().isRunning();
	}

	@Override
	public void stop() {
		handle().stop();
	}

	@Override
	public void start() {
		handle().start();
	}

	@Override
	public void restart() {
		handle().restart();
	}

	@Override
	public void pause(Duration duration) {
		handle().pause(duration);
	}

	@Override
	public void debugSleep(Duration duration) {
		handle().debugSleep(duration);
	}

	@Override
	public void flushAll() {
		handle().flushAll();
	}

	@Override
	public long killClients(String type) {
		return handle().killClients(type);
	}

	@Override
	public Object command(String... args) {
		return handle().command(args);
	}

	@Override
	public Object commandOnNodeOf(String key, String... args) {
		return handle().commandOnNodeOf(key, args);
	}

	@Override
	public List<String> clusterNodes() {
		return handle().clusterNodes();
	}

	private RedisServerHandle handle() {
		OwnedRedisServer handle = this.handle;
		if (handle == null) {
			throw new IllegalStateException(notStartedMessage());
		}
		return handle;
	}

	private static String notStartedMessage() {
		return "Redis is not started: register RedisServerExtension on a static @RegisterExtension field "
				+ "or with @ExtendWith, and use it from tests or lifecycle methods";
	}

}
