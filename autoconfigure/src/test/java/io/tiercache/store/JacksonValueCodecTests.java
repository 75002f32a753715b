package io.tiercache.store;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.tools.ToolProvider;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

/**
 * Values round-trip as the declared generic type, with no type information in the
 * payload, and what of a type cannot be read back is found by asking Jackson.
 */
class JacksonValueCodecTests {

	private final JacksonValueCodec codec = new JacksonValueCodec(JsonMapper.builder().build());

	@Test
	void recordsRoundTrip() throws Exception {
		assertRoundTrip("product",
				new Product(1, "lamp", new BigDecimal("12.50"), Instant.parse("2026-01-02T03:04:05Z")));
	}

	@Test
	void immutableAndGenericCollectionsRoundTrip() throws Exception {
		assertRoundTrip("products", List.of(new Product(1, "a", BigDecimal.ONE, Instant.EPOCH)));
		assertRoundTrip("byCategory", Map.of("tools", List.of(new Product(2, "b", BigDecimal.TEN, Instant.EPOCH))));
	}

	@Test
	void optionalRoundTripsPresentAndEmpty() throws Exception {
		assertRoundTrip("maybe", Optional.of(new Product(1, "lamp", BigDecimal.ONE, Instant.EPOCH)));
		assertRoundTrip("maybe", Optional.empty());
	}

	@Test
	void primitivesAndNullRoundTrip() throws Exception {
		assertRoundTrip("count", 42L);
		assertRoundTrip("flag", true);
		assertRoundTrip("product", null);
	}

	@Test
	void aTypeJacksonCannotConstructIsFoundAndItsDecodeBlamesTheType() throws Exception {
		assertThat(this.codec.check(Shape.class).unconstructible().getRawClass()).isEqualTo(Shape.class);
		assertThat(this.codec.check(returnType("shapes")).unconstructible().getRawClass()).isEqualTo(Shape.class);
		assertThat(this.codec.check(Drawing.class).unconstructible().getRawClass()).isEqualTo(Shape.class);
		assertThat(this.codec.check(Product.class)).isEqualTo(new JacksonValueCodec.TypeCheck(null, null));
		assertThatExceptionOfType(ValueCodec.UnreadableTypeException.class)
			.isThrownBy(() -> this.codec.bind(Shape.class).decode("{\"sides\":3}".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining(Shape.class.getName());
	}

	@Test
	void thePropertiesOfClassesAreWalkedAndTheWayToWhatIsFoundIsNamed() throws Exception {
		JacksonValueCodec.TypeCheck canvas = this.codec.check(Canvas.class);
		assertThat(canvas.unconstructible().getRawClass()).isEqualTo(Shape.class);
		assertThat(canvas.unconstructiblePath()).isEqualTo("Canvas.shape");
		assertThat(this.codec.check(Drawing.class).unconstructiblePath()).isEqualTo("Drawing.shape");
		JacksonValueCodec.TypeCheck galleries = this.codec.check(returnType("galleries"));
		assertThat(galleries.unconstructible().getRawClass()).isEqualTo(Shape.class);
		assertThat(galleries.unconstructiblePath()).isEqualTo("Gallery.canvases > Canvas.shape");
		assertThat(this.codec.check(returnType("shapes")).unconstructiblePath()).as("the declared type's elements")
			.isNull();
		JacksonValueCodec.TypeCheck settings = this.codec.check(Settings.class);
		assertThat(settings.untyped().getRawClass()).isEqualTo(Object.class);
		assertThat(settings.untypedPath()).isEqualTo("Settings.values");
	}

	@Test
	void typeInformationOrATypeGivenOnThePropertyIsHonoured() {
		assertThat(this.codec.check(DeclaredShapes.class)).isEqualTo(new JacksonValueCodec.TypeCheck(null, null));
	}

	@Test
	void aClassReferringToItselfIsWalkedOnce() {
		assertThat(this.codec.check(Category.class)).isEqualTo(new JacksonValueCodec.TypeCheck(null, null));
	}

	@Test
	void aClassWithoutACreatorForTheObjectItIsWrittenAsIsFound() {
		for (Class<?> type : List.of(Money.class, TwoConstructors.class, ConvenienceConstructor.class)) {
			JacksonValueCodec.TypeCheck found = this.codec.check(type);
			assertThat(found.unconstructible()).as(type.getSimpleName()).isNotNull();
			assertThat(found.unconstructible().getRawClass()).isEqualTo(type);
			assertThat(found.problem()).isNull();
		}
		assertThat(this.codec.check(Priced.class).unconstructiblePath()).isEqualTo("Priced.price");
		// Compiled with -parameters, a sole public constructor is a creator
		assertThat(this.codec.check(Point.class)).isEqualTo(new JacksonValueCodec.TypeCheck(null, null));
		assertThat(this.codec.check(Sku.class)).as("written as a string")
			.isEqualTo(new JacksonValueCodec.TypeCheck(null, null));
	}

	@Test
	void aDefinitionJacksonRejectsIsFoundWithWhatJacksonSaid() {
		for (Class<?> type : List.of(TwoFieldsOneName.class, NarrowedToAnother.class)) {
			JacksonValueCodec.TypeCheck found = this.codec.check(type);
			assertThat(found.unconstructible().getRawClass()).isEqualTo(type);
			assertThat(found.problem()).as(type.getSimpleName()).isNotBlank();
		}
		assertThat(this.codec.check(TwoFieldsOneName.class).problem()).contains("\"x\"");
	}

	@Test
	void aSoleConstructorCompiledWithoutParameterNamesIsNoCreator(@TempDir Path classes) throws Exception {
		Path source = Files.writeString(Files.createDirectories(classes.resolve("src")).resolve("Point.java"), """
				public class Point {
					private final int x;
					private final int y;
					public Point(int x, int y) {
						this.x = x;
						this.y = y;
					}
					public int getX() {
						return this.x;
					}
					public int getY() {
						return this.y;
					}
				}
				""");
		assertThat(
				ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), source.toString()))
			.isZero();
		try (URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() })) {
			Class<?> point = loader.loadClass("Point");
			assertThat(point.getConstructors()[0].getParameters()[0].isNamePresent()).isFalse();
			assertThat(this.codec.check(point).unconstructible().getRawClass()).isEqualTo(point);
		}
	}

	@Test
	void checkingATypeConstructsNothing() {
		Gadget.built = false;
		assertThat(this.codec.check(Gadget.class)).isEqualTo(new JacksonValueCodec.TypeCheck(null, null));
		assertThat(this.codec.check(Toolbox.class)).isEqualTo(new JacksonValueCodec.TypeCheck(null, null));
		assertThat(Gadget.built).isFalse();
	}

	@Test
	void whereATypeLeavesObjectOpenIsFound() throws Exception {
		assertThat(this.codec.check(returnType("attributes")).untyped().getRawClass()).isEqualTo(Object.class);
		assertThat(this.codec.check(Object.class).untyped()).isNotNull();
		assertThat(this.codec.check(List.class).untyped()).as("a raw list").isNotNull();
		assertThat(this.codec.check(returnType("instants"))).isEqualTo(new JacksonValueCodec.TypeCheck(null, null));
	}

	@Test
	void thePayloadCarriesNoTypeInformation() throws Exception {
		byte[] bytes = this.codec.bind(returnType("product"))
			.encode(new Product(1, "lamp", BigDecimal.ONE, Instant.EPOCH));
		assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("@class", "io.tiercache");
	}

	@Test
	void bytesOfAnotherShapeAreRejected() throws Exception {
		ValueCodec.Bound bound = this.codec.bind(returnType("product"));
		assertThatRuntimeException().isThrownBy(() -> bound.decode("[1,2]".getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void aValueStoredBeforeItsClassChangedShapeIsRejectedNotHalfFilled() throws Exception {
		ValueCodec.Bound bound = this.codec.bind(returnType("product"));
		// "title" was renamed "name"; "updated" did not exist yet
		assertThatRuntimeException().isThrownBy(
				() -> bound.decode("{\"id\":310,\"title\":\"lamp\",\"price\":1}".getBytes(StandardCharsets.UTF_8)));
		assertThatRuntimeException().isThrownBy(
				() -> bound.decode("{\"id\":310,\"name\":\"lamp\",\"price\":1}".getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void aNumberWhereTextIsExpectedIsRejected() throws Exception {
		ValueCodec.Bound bound = this.codec.bind(returnType("name"));
		assertThatRuntimeException().isThrownBy(() -> bound.decode("12345".getBytes(StandardCharsets.UTF_8)));
		assertThat(bound.decode("\"12345\"".getBytes(StandardCharsets.UTF_8))).isEqualTo("12345");
	}

	@Test
	void nullPropertiesRoundTripEvenWhenTheApplicationLeavesThemOut() throws Exception {
		JacksonValueCodec codec = new JacksonValueCodec(JsonMapper.builder()
			.changeDefaultPropertyInclusion((inclusion) -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
					JsonInclude.Include.NON_NULL))
			.build());
		ValueCodec.Bound bound = codec.bind(returnType("product"));
		Product product = new Product(1, null, null, null);
		assertThat(bound.decode(bound.encode(product))).isEqualTo(product);
	}

	@Test
	void aTypeIdInThePayloadNamesNoClassEvenWithTheApplicationsDefaultTyping() throws Exception {
		JsonMapper typing = JsonMapper.builder()
			.activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
					DefaultTyping.NON_FINAL)
			.build();
		ValueCodec.Bound bound = new JacksonValueCodec(typing).bind(returnType("anything"));
		Gadget.built = false;
		Object value = bound.decode(("[\"" + Gadget.class.getName() + "\",{}]").getBytes(StandardCharsets.UTF_8));
		assertThat(Gadget.built).as("no class named by Redis content is built").isFalse();
		assertThat(value).isInstanceOf(List.class);
	}

	/** A class whose construction the test would notice. */
	public static class Gadget {

		static volatile boolean built;

		public Gadget() {
			built = true;
		}

	}

	private void assertRoundTrip(String method, Object value) throws Exception {
		ValueCodec.Bound bound = this.codec.bind(returnType(method));
		assertThat(bound.decode(bound.encode(value))).isEqualTo(value);
	}

	private static Type returnType(String name) throws NoSuchMethodException {
		for (Method method : Signatures.class.getDeclaredMethods()) {
			if (method.getName().equals(name)) {
				return method.getGenericReturnType();
			}
		}
		throw new NoSuchMethodException(name);
	}

	record Product(long id, String name, BigDecimal price, Instant updated) {
	}

	interface Signatures {

		Product product();

		List<Product> products();

		Map<String, List<Product>> byCategory();

		Optional<Product> maybe();

		long count();

		boolean flag();

		String name();

		Object anything();

		List<Shape> shapes();

		Map<String, Object> attributes();

		Optional<List<Instant>> instants();

		List<Gallery> galleries();

	}

	interface Shape {

		int getSides();

	}

	record Drawing(String title, Shape shape) {
	}

	public static class Canvas {

		private Shape shape;

		public Shape getShape() {
			return this.shape;
		}

		public void setShape(Shape shape) {
			this.shape = shape;
		}

	}

	record Gallery(String name, List<Canvas> canvases) {
	}

	public static class Settings {

		public String owner;

		public Map<String, Object> values;

	}

	record Square(int side) implements Shape {

		@Override
		public int getSides() {
			return 4;
		}

	}

	record DeclaredShapes(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Shape polymorphic,
			@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) List<Shape> polymorphicElements,
			@JsonDeserialize(as = Square.class) Shape square) {
	}

	public static class Category {

		public String name;

		public Category parent;

		public List<Category> children;

	}

	/** Built through a factory method Jackson is not told about. */
	public static final class Money {

		private final long cents;

		private Money(long cents) {
			this.cents = cents;
		}

		public static Money of(long cents) {
			return new Money(cents);
		}

		public long getCents() {
			return this.cents;
		}

	}

	public static class TwoConstructors {

		private final String name;

		private final long count;

		public TwoConstructors(String name, long count) {
			this.name = name;
			this.count = count;
		}

		public TwoConstructors(long count, String name) {
			this(name, count);
		}

		public String getName() {
			return this.name;
		}

		public long getCount() {
			return this.count;
		}

	}

	/**
	 * Its String constructor is a creator from a string, but it is written as an object.
	 */
	public static class ConvenienceConstructor {

		private final String name;

		private final long count;

		public ConvenienceConstructor(String name, long count) {
			this.name = name;
			this.count = count;
		}

		public ConvenienceConstructor(String name) {
			this(name, 0);
		}

		public String getName() {
			return this.name;
		}

		public long getCount() {
			return this.count;
		}

	}

	record Priced(String sku, Money price) {
	}

	public static class Point {

		private final int x;

		private final int y;

		public Point(int x, int y) {
			this.x = x;
			this.y = y;
		}

		public int getX() {
			return this.x;
		}

		public int getY() {
			return this.y;
		}

	}

	public static final class Sku {

		private final String value;

		public Sku(String value) {
			this.value = value;
		}

		@JsonValue
		public String value() {
			return this.value;
		}

	}

	public static class TwoFieldsOneName {

		@JsonProperty("x")
		public String a;

		@JsonProperty("x")
		public String b;

	}

	public static class NarrowedToAnother {

		@JsonDeserialize(as = Integer.class)
		public String a;

	}

	public static class Toolbox {

		public Gadget gadget;

	}

}
