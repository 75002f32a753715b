package io.tiercache.sample;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A product catalog whose repository reads are cached by tiercache and whose writes
 * invalidate the affected entries by tag.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	@Bean
	static DatabaseStatementMeter databaseStatementMeter(ObjectProvider<MeterRegistry> registry) {
		return new DatabaseStatementMeter(registry);
	}

}
