package io.tiercache.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts a real PostgreSQL for the {@code postgres} profile, so that it too runs on a
 * machine with nothing installed: {@code application-postgres.yml} turns
 * {@code sample.embedded-postgres.enabled} on and points the datasource at
 * {@code 127.0.0.1:${sample.embedded-postgres.port}}.
 * <p>
 * Like the embedded Redis, a second instance finds the server of the first on that port
 * and joins it. The data directory is kept in the temporary directory between runs, as
 * the H2 file is: Flyway seeds it once.
 */
public class EmbeddedPostgresEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Name of the bean that stops the server with the instance that started it. */
	public static final String BEAN_NAME = "embeddedPostgres";

	static final String ENABLED_PROPERTY = "sample.embedded-postgres.enabled";

	static final String PORT_PROPERTY = "sample.embedded-postgres.port";

	private static final String HOST = "127.0.0.1";

	private final Log logger;

	private final ConfigurableBootstrapContext bootstrapContext;

	public EmbeddedPostgresEnvironmentPostProcessor(DeferredLogFactory logFactory,
			ConfigurableBootstrapContext bootstrapContext) {
		this.logger = logFactory.getLog(EmbeddedPostgresEnvironmentPostProcessor.class);
		this.bootstrapContext = bootstrapContext;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty(ENABLED_PROPERTY, Boolean.class, false)) {
			return;
		}
		int port = environment.getProperty(PORT_PROPERTY, Integer.class, 0);
		if (port > 0 && listening(port)) {
			this.logger
				.info("Joined the PostgreSQL already running on " + HOST + ":" + port + " (" + PORT_PROPERTY + ")");
			return;
		}
		// On a fixed port the data is kept, as the H2 file is; on any free port (tests)
		// it
		// is new each time and deleted on stop.
		Path data = (port > 0) ? Path.of(System.getProperty("java.io.tmpdir"), "tiercache-sample", "postgres-" + port)
				: null;
		Server server = Server.start(port, data);
		this.logger.info("Started PostgreSQL on " + HOST + ":" + server.port()
				+ ((data != null) ? " with its data in " + data : "") + "; it stops with this instance");
		environment.getPropertySources()
			.addFirst(new MapPropertySource("embeddedPostgres", Map.of(PORT_PROPERTY, server.port())));
		EmbeddedRedisEnvironmentPostProcessor.stopWithTheContext(this.bootstrapContext, BEAN_NAME, server);
	}

	private static boolean listening(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** A PostgreSQL process, stopped with the application context that started it. */
	static final class Server implements DisposableBean {

		private final EmbeddedPostgres postgres;

		private Server(EmbeddedPostgres postgres) {
			this.postgres = postgres;
		}

		static Server start(int port, @Nullable Path data) {
			try {
				EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("listen_addresses", HOST);
				if (port > 0) {
					builder.setPort(port);
				}
				if (data != null) {
					builder.setDataDirectory(data).setCleanDataDirectory(false);
				}
				return new Server(builder.start());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not start PostgreSQL on " + HOST + ":" + port + ": set "
						+ PORT_PROPERTY + " to another port, or spring.datasource.url to your server", ex);
			}
		}

		int port() {
			return this.postgres.getPort();
		}

		@Override
		public void destroy() throws IOException {
			this.postgres.close();
		}

	}

}
