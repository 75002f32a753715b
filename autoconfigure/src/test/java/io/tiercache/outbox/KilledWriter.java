package io.tiercache.outbox;

import java.util.concurrent.CountDownLatch;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A writer that the tests kill between its commit and its publish: it changes a price in
 * a {@code @Transactional @InvalidatesTags} method, says {@value #COMMITTED} once the
 * transaction has committed, and then waits, before tiercache publishes, until it is
 * killed. Run in a process of its own by {@link DeadWriterIntegrationTests}.
 */
public final class KilledWriter {

	/** The line printed once the change has committed. */
	static final String COMMITTED = "tiercache-test: committed";

	private KilledWriter() {
	}

	/**
	 * Run the writer.
	 * @param args Spring Boot properties, {@code name=value}: Redis, the database, the
	 * outbox
	 * @throws InterruptedException never, as the process is killed first
	 */
	public static void main(String[] args) throws InterruptedException {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Catalog.Application.class)
			.web(WebApplicationType.NONE)
			.properties(args)
			.run();
		CountDownLatch killed = new CountDownLatch(1);
		Catalog.afterCommit = () -> {
			System.out.println(COMMITTED);
			System.out.flush();
			try {
				killed.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
		context.getBean(Catalog.class).updatePrice(1L, 200);
		throw new IllegalStateException("The price change returned: the test was to kill this process first");
	}

}
