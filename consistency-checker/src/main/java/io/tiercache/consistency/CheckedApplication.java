package io.tiercache.consistency;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One instance of the application under test. Several run in one JVM, each its own
 * context with its own Redis connections, caches and invalidation subscriber, sharing one
 * database and one Redis, as separate processes would. No component scanning: the
 * checker's own classes are not part of the application.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class CheckedApplication {

	@Bean
	ItemService itemService(JdbcTemplate jdbcTemplate) {
		return new ItemService(jdbcTemplate);
	}

	/**
	 * Gives tiercache a registry to publish its meters to, so the checker can show that
	 * each fault moved the counter it should have (clears by reason, stalls, retries).
	 */
	@Bean
	SimpleMeterRegistry simpleMeterRegistry() {
		return new SimpleMeterRegistry();
	}

}
