package io.tiercache.store;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

/**
 * Values round-trip as the declared generic type, with no type information in the
 * payload.
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

	}

	interface Shape {

		int getSides();

	}

	record Drawing(String title, Shape shape) {
	}

}
