package io.tiercache.consistency;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.tiercache.fanout.InvalidationSubscriber;
import io.tiercache.store.ConsistencyCheckerSeam;
import io.tiercache.store.LocalTrust;
import io.tiercache.store.TieredStore;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * One running instance of the application under test: its own Spring context, hence its
 * own Redis connections, local tier and invalidation subscriber, with an {@link EventLog}
 * listening to its invalidation view.
 */
final class Instance implements AutoCloseable {

	private final int index;

	private final ConfigurableApplicationContext context;

	private final EventLog events;

	private Instance(int index, ConfigurableApplicationContext context, EventLog events) {
		this.index = index;
		this.context = context;
		this.events = events;
	}

	/**
	 * Start an instance.
	 * @param index its number in the run
	 * @param properties its configuration
	 * @param epochs the run's epoch ids
	 * @param broken whether to disable its local tier's safety checks
	 * @return the started instance
	 */
	static Instance start(int index, Map<String, Object> properties, Epochs epochs, boolean broken) {
		ConfigurableApplicationContext context = context(index, properties);
		EventLog events = new EventLog(epochs);
		LocalTrust trust = context.getBean(TieredStore.class).trust();
		events.attach(trust);
		if (broken) {
			ConsistencyCheckerSeam.disableLocalChecks(trust);
		}
		return new Instance(index, context, events);
	}

	/**
	 * Start the application under test, without a shutdown hook: whoever starts it closes
	 * it.
	 * @param index the instance's number in the run
	 * @param properties its configuration
	 * @return the running context
	 */
	static ConfigurableApplicationContext context(int index, Map<String, Object> properties) {
		return builder(index, properties).registerShutdownHook(false).run();
	}

	/**
	 * Start the application under test as an application of its own: Spring Boot's
	 * shutdown hook closes it on {@code SIGTERM}, as it would any application.
	 * @param index the instance's number in the run
	 * @param properties its configuration
	 * @param beforeClose run when the context starts closing, before anything in it stops
	 * @return the running context
	 */
	static ConfigurableApplicationContext application(int index, Map<String, Object> properties, Runnable beforeClose) {
		return builder(index, properties).registerShutdownHook(true)
			.listeners((ApplicationListener<ContextClosedEvent>) (event) -> beforeClose.run())
			.run();
	}

	private static SpringApplicationBuilder builder(int index, Map<String, Object> properties) {
		return new SpringApplicationBuilder(CheckedApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties)
			.properties("spring.application.name=checked-" + index);
	}

	int index() {
		return this.index;
	}

	ItemService service() {
		return this.context.getBean(ItemService.class);
	}

	InvalidationSubscriber subscriber() {
		return this.context.getBean(InvalidationSubscriber.class);
	}

	LocalTrust trust() {
		return this.context.getBean(TieredStore.class).trust();
	}

	TieredStore store() {
		return this.context.getBean(TieredStore.class);
	}

	EventLog events() {
		return this.events;
	}

	LibraryCounters counters() {
		return LibraryCounters.read(this.context.getBean(MeterRegistry.class));
	}

	@Override
	public void close() {
		this.context.close();
	}

}
