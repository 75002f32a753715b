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
 * Return types that JSON cannot carry back from Redis, returned or held by a property of
 * a class: one Jackson cannot construct fails startup naming the method (and the
 * property), one that leaves {@code Object} open is a warning naming the method (and the
 * property), and one with type information, or a class referring to itself, is read back
 * as the class it was.
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
	void anInterfacePropertyOfAClassFailsStartupNamingTheMethodThePropertyAndTheFix() {
		this.contextRunner.withBean(ProductService.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new TierCacheFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(ProductService.class.getName() + ".find(long)",
					"whose property Product.pet holds " + Animal.class.getName(), "an interface", "never read back");
			assertThat(analysis.getAction()).contains("a concrete class or a record for Product.pet", "@JsonTypeInfo",
					"@JsonSubTypes");
		});
	}

	@Test
	void anObjectHoleInAPropertyOfAClassIsAWarningOnceNamingTheMethodAndTheProperty(CapturedOutput output) {
		this.contextRunner.withBean(ProfileService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ProfileService service = context.getBean(ProfileService.class);
			service.profile(1);
			service.profile(1);
		});
		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains(CachedValueTypesCheck.class.getName())
					&& line.contains(ProfileService.class.getName() + ".profile(")))
			.singleElement()
			.asString()
			.contains("whose property Profile.attributes leaves java.lang.Object open", "JSON maps, lists, strings");
	}

	@Test
	void aClassWithoutAConstructorJacksonCanUseFailsStartupNamingTheFix() {
		this.contextRunner.withBean(MoneyService.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new TierCacheFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(MoneyService.class.getName() + ".price(long)",
					Money.class.getName(), "no default constructor and no creator that takes its properties",
					"never read back");
			assertThat(analysis.getAction()).contains("@JsonCreator", "no-argument constructor", "record");
		});
		this.contextRunner.withBean(OfferService.class)
			.run((context) -> assertThat(new TierCacheFailureAnalyzer().analyze(context.getStartupFailure()))
				.extracting(FailureAnalysis::getDescription)
				.asString()
				.contains(OfferService.class.getName() + ".offers(long)",
						"whose property Offer.price holds " + Money.class.getName()));
	}

	@Test
	void aClassReferringToItselfStartsAndIsReadBackFromRedis(CapturedOutput output) {
		this.contextRunner.withBean(CategoryService.class)
			.run((first) -> this.contextRunner.withBean(CategoryService.class).run((second) -> {
				assertThat(first).hasNotFailed();
				Category tools = first.getBean(CategoryService.class).find(1);
				CategoryService other = second.getBean(CategoryService.class);
				Category read = other.find(1);
				assertThat(other.invocations()).as("read from Redis").isZero();
				assertThat(read.getName()).isEqualTo(tools.getName());
				assertThat(read.getParent().getName()).isEqualTo("all");
				assertThat(read.getChildren()).extracting(Category::getName).containsExactly("saws");
			}));
		assertThat(output.getOut()).doesNotContain(CategoryService.class.getName());
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

	static class Product {

		private String name;

		private Animal pet;

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public Animal getPet() {
			return this.pet;
		}

		public void setPet(Animal pet) {
			this.pet = pet;
		}

	}

	static class ProductService {

		@Cached
		public Product find(long id) {
			Product product = new Product();
			product.setName("lamp");
			product.setPet(new Dog("rex"));
			return product;
		}

	}

	static class Profile {

		private String name;

		private Map<String, Object> attributes;

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public Map<String, Object> getAttributes() {
			return this.attributes;
		}

		public void setAttributes(Map<String, Object> attributes) {
			this.attributes = attributes;
		}

	}

	static class ProfileService {

		@Cached
		public Profile profile(long id) {
			Profile profile = new Profile();
			profile.setName("ann");
			profile.setAttributes(Map.of("since", Instant.EPOCH));
			return profile;
		}

	}

	/** Built through a factory method Jackson is not told about. */
	static final class Money {

		private final String currency;

		private final long cents;

		private Money(String currency, long cents) {
			this.currency = currency;
			this.cents = cents;
		}

		static Money of(String currency, long cents) {
			return new Money(currency, cents);
		}

		public String getCurrency() {
			return this.currency;
		}

		public long getCents() {
			return this.cents;
		}

	}

	static class MoneyService {

		@Cached
		public Money price(long id) {
			return Money.of("EUR", 1250);
		}

	}

	record Offer(String sku, Money price) {
	}

	static class OfferService {

		@Cached
		public List<Offer> offers(long id) {
			return List.of(new Offer("lamp", Money.of("EUR", 1250)));
		}

	}

	static class Category {

		private String name;

		private Category parent;

		private List<Category> children = List.of();

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public Category getParent() {
			return this.parent;
		}

		public void setParent(Category parent) {
			this.parent = parent;
		}

		public List<Category> getChildren() {
			return this.children;
		}

		public void setChildren(List<Category> children) {
			this.children = children;
		}

	}

	static class CategoryService {

		private final AtomicInteger invocations = new AtomicInteger();

		@Cached
		public Category find(long id) {
			this.invocations.incrementAndGet();
			Category all = new Category();
			all.setName("all");
			Category saws = new Category();
			saws.setName("saws");
			Category tools = new Category();
			tools.setName("tools");
			tools.setParent(all);
			tools.setChildren(List.of(saws));
			return tools;
		}

		int invocations() {
			return this.invocations.get();
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
