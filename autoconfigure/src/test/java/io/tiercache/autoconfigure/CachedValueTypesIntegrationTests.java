package io.tiercache.autoconfigure;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tiercache.annotation.Cached;
import io.tiercache.cache.TierCacheOperations;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Return types that JSON cannot carry back from Redis: one Jackson cannot construct fails
 * startup naming the method, one that leaves {@code Object} open is a warning naming the
 * method, and one with type information is read back as the class it was.
 */
@ExtendWith(OutputCaptureExtension.class)
class CachedValueTypesIntegrationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
				JacksonAutoConfiguration.class, TierCacheAutoConfiguration.class))
		.withPropertyValues(redis.springProperties());

	@BeforeEach
	void flushRedis() {
		redis.flushAll();
	}

	@Test
	void anInterfaceReturnTypeWithoutTypeInformationFailsStartupNamingTheMethodAndTheFix() {
		this.contextRunner.withBean(AnimalService.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new TierCacheFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(AnimalService.class.getName() + ".find(long)",
					Animal.class.getName(), "an interface", "never read back");
			assertThat(analysis.getAction()).contains("a concrete class or a record", "@JsonTypeInfo", "@JsonSubTypes");
		});
	}

	@Test
	void anInterfaceInsideAListOrARecordFailsStartupToo() {
		this.contextRunner.withBean(AnimalListService.class)
			.run((context) -> assertThat(new TierCacheFailureAnalyzer().analyze(context.getStartupFailure()))
				.extracting(FailureAnalysis::getDescription)
				.asString()
				.contains(AnimalListService.class.getName() + ".all(long)", "java.util.List<"));
		this.contextRunner.withBean(PenService.class)
			.run((context) -> assertThat(new TierCacheFailureAnalyzer().analyze(context.getStartupFailure()))
				.extracting(FailureAnalysis::getDescription)
				.asString()
				.contains(PenService.class.getName() + ".pen(long)", Animal.class.getName()));
	}

	@Test
	void aTypeWithTypeInformationStartsAndIsReadBackFromRedisAsTheClassItWas() {
		this.contextRunner.withBean(PetService.class)
			.run((first) -> this.contextRunner.withBean(PetService.class).run((second) -> {
				assertThat(first).hasNotFailed();
				assertThat(first.getBean(PetService.class).find(1)).isEqualTo(new Cat("tom"));
				PetService other = second.getBean(PetService.class);
				assertThat(other.find(1)).isEqualTo(new Cat("tom"));
				assertThat(other.invocations()).as("read from Redis").isZero();
			}));
	}

	@Test
	void objectHolesAreAWarningOncePerMethodNamingItAndWhatComesBack(CapturedOutput output) {
		this.contextRunner.withBean(AttributesService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			AttributesService service = context.getBean(AttributesService.class);
			service.attributes(1);
			service.attributes(1);
		});
		List<String> warnings = output.getOut()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains(CachedValueTypesCheck.class.getName()))
			.toList();
		assertThat(warnings).filteredOn((line) -> line.contains(AttributesService.class.getName() + ".attributes("))
			.singleElement()
			.asString()
			.contains("java.util.Map<java.lang.String, java.lang.Object>", "JSON maps, lists, strings");
		assertThat(warnings).filteredOn((line) -> line.contains(AttributesService.class.getName() + ".anything("))
			.hasSize(1);
		assertThat(warnings).filteredOn((line) -> line.contains(AttributesService.class.getName() + ".names("))
			.as("raw collections")
			.hasSize(1);
		assertThat(warnings).as("a fully typed method")
			.noneMatch((line) -> line.contains(AttributesService.class.getName() + ".instants("));
	}

	@Test
	void anEntryThatCannotBeReadAsItsDeclaredTypeIsReportedAsSuchNotAsAChangedType() {
		RecordingErrorHandler errors = new RecordingErrorHandler();
		ApplicationContextRunner runner = this.contextRunner.withBean(StoreErrorHandler.class, () -> errors);
		runner.run((first) -> runner.run((second) -> {
			first.getBean(TierCacheOperations.class).get("animals", 1, Animal.class, () -> new Dog("rex"));
			Animal read = second.getBean(TierCacheOperations.class)
				.get("animals", 1, Animal.class, () -> new Dog("fido"));
			assertThat(read).isEqualTo(new Dog("fido"));
			assertThat(errors.failures).containsExactly(StoreErrorHandler.CacheFailure.UNREADABLE_TYPE);
			assertThat(StoreErrorHandler.CacheFailure.UNREADABLE_TYPE.describe("animals"))
				.contains("cannot be constructed", "a concrete class or a record")
				.doesNotContain("bump tiercache.namespace");
		}));
	}

	interface Animal {

		String getName();

	}

	record Dog(String name) implements Animal {

		@Override
		public String getName() {
			return this.name;
		}

	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
	@JsonSubTypes(@JsonSubTypes.Type(value = Cat.class, name = "cat"))
	interface Pet {

	}

	record Cat(String name) implements Pet {
	}

	record Pen(String keeper, Animal animal) {
	}

	static class AnimalService {

		@Cached
		public Animal find(long id) {
			return new Dog("rex");
		}

	}

	static class AnimalListService {

		@Cached
		public List<Animal> all(long id) {
			return List.of(new Dog("rex"));
		}

	}

	static class PenService {

		@Cached
		public Pen pen(long id) {
			return new Pen("ann", new Dog("rex"));
		}

	}

	static class PetService {

		private final AtomicInteger invocations = new AtomicInteger();

		@Cached
		public Pet find(long id) {
			this.invocations.incrementAndGet();
			return new Cat("tom");
		}

		int invocations() {
			return this.invocations.get();
		}

	}

	static class AttributesService {

		@Cached
		public Map<String, Object> attributes(long id) {
			return Map.of("at", Instant.EPOCH);
		}

		@Cached
		public Object anything(long id) {
			return "x";
		}

		@Cached
		@SuppressWarnings("rawtypes")
		public List names(long id) {
			return List.of("x");
		}

		@Cached
		public Map<String, List<Instant>> instants(long id) {
			return Map.of("at", List.of(Instant.EPOCH));
		}

	}

	static class RecordingErrorHandler implements StoreErrorHandler {

		final List<CacheFailure> failures = new CopyOnWriteArrayList<>();

		@Override
		public void handleRedisError(String operation, RuntimeException ex) {
		}

		@Override
		public void handleCacheError(String cacheName, CacheFailure failure, Throwable ex) {
			this.failures.add(failure);
		}

		@Override
		public void handleExpressionError(String source, String attribute, String expression,
				ExpressionConsequence consequence, RuntimeException ex) {
		}

	}

}
