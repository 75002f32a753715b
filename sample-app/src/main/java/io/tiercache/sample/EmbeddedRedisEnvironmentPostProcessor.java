package io.tiercache.sample;

import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Starts a real redis-server when no Redis is configured, so that the sample runs on a
 * machine with nothing installed, and points {@code spring.data.redis.*} at it.
 * <p>
 * The server listens on {@code 127.0.0.1} at {@code sample.embedded-redis.port} (0 for
 * any free port). When a Redis already answers there, as the one a first instance of the
 * sample started does, a second instance joins it instead of starting its own: that is
 * how two instances started on one machine share one Redis with nothing configured.
 * <p>
 * It does nothing when any of {@code spring.data.redis.host}, {@code port}, {@code url},
 * {@code cluster.nodes}, {@code sentinel.nodes} or {@code masterreplica.nodes} is set, or
 * when {@code sample.embedded-redis.enabled} is {@code false}. A server it started is
 * registered as the {@value #BEAN_NAME} bean, which stops it when the context closes or
 * fails to start.
 */
public class EmbeddedRedisEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * Name of the {@link EmbeddedRedisServer} bean.
	 */
	public static final String BEAN_NAME = "embeddedRedisServer";

	static final String ENABLED_PROPERTY = "sample.embedded-redis.enabled";

	static final String PORT_PROPERTY = "sample.embedded-redis.port";

	static final String PROPERTY_SOURCE_NAME = "embeddedRedis";

	private static final List<String> CONNECTION_PROPERTIES = List.of("spring.data.redis.host",
			"spring.data.redis.port", "spring.data.redis.url", "spring.data.redis.cluster.nodes",
			"spring.data.redis.sentinel.nodes", "spring.data.redis.masterreplica.nodes");

	private final Log logger;

	private final ConfigurableBootstrapContext bootstrapContext;

	public EmbeddedRedisEnvironmentPostProcessor(DeferredLogFactory logFactory,
			ConfigurableBootstrapContext bootstrapContext) {
		this.logger = logFactory.getLog(EmbeddedRedisEnvironmentPostProcessor.class);
		this.bootstrapContext = bootstrapContext;
	}

	@Override
	public int getOrder() {
		// After application.yml and every other source of properties.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty(ENABLED_PROPERTY, Boolean.class, true) || redisConfigured(environment)) {
			return;
		}
		int port = environment.getProperty(PORT_PROPERTY, Integer.class, 0);
		if (port > 0 && EmbeddedRedisServer.answersPing(port)) {
			this.logger.info("Joined the redis-server already running on " + EmbeddedRedisServer.HOST + ":" + port
					+ " (" + PORT_PROPERTY + "), as no spring.data.redis connection is configured");
			useServer(environment, EmbeddedRedisServer.HOST, port);
			return;
		}
		EmbeddedRedisServer server = EmbeddedRedisServer.start(port);
		this.logger.info("Started redis-server on " + server.host() + ":" + server.port()
				+ " because no spring.data.redis connection is configured; it stops with this instance");
		useServer(environment, server.host(), server.port());
		stopWithTheContext(this.bootstrapContext, BEAN_NAME, server);
	}

	/**
	 * Register a server started before the context as a disposable bean of it, so that it
	 * stops when the context closes or fails to start.
	 */
	static void stopWithTheContext(ConfigurableBootstrapContext bootstrapContext, String beanName,
			DisposableBean server) {
		bootstrapContext.addCloseListener((event) -> {
			ConfigurableListableBeanFactory beanFactory = event.getApplicationContext().getBeanFactory();
			beanFactory.registerSingleton(beanName, server);
			((DefaultSingletonBeanRegistry) beanFactory).registerDisposableBean(beanName, server);
		});
	}

	private static void useServer(ConfigurableEnvironment environment, String host, int port) {
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of("spring.data.redis.host", host, "spring.data.redis.port", port)));
	}

	private static boolean redisConfigured(ConfigurableEnvironment environment) {
		return CONNECTION_PROPERTIES.stream().anyMatch((name) -> StringUtils.hasText(environment.getProperty(name)));
	}

}
