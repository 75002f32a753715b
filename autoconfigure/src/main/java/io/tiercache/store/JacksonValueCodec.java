package io.tiercache.store;

import java.lang.reflect.Type;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON through a mapper derived from the application's Jackson 3 mapper (its modules and
 * naming), read back as the declared generic type, so records, generic collections,
 * {@code List.of}, {@code Optional} and primitives round-trip without type information in
 * the payload.
 * <p>
 * What Redis holds never chooses what is built: default typing is off whatever the
 * application's mapper says, so a type id in a payload names no class. And it is read
 * strictly: an unknown or missing property, a number or boolean where text is expected,
 * or trailing content fails the decode, so a value stored before its class changed shape
 * is a miss that reloads instead of a half-filled object (bumping
 * {@code tiercache.namespace} makes every such entry a miss at once).
 *
 * @since 0.1.0
 */
public final class JacksonValueCodec implements ValueCodec {

	private final ObjectMapper mapper;

	public JacksonValueCodec(ObjectMapper mapper) {
		this.mapper = mapper.rebuild()
			.deactivateDefaultTyping()
			// Every property is written, so that reading can require every one.
			.changeDefaultPropertyInclusion(
					(inclusion) -> JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS))
			// Not FAIL_ON_UNKNOWN_PROPERTIES: a computed getter's property is written but
			// has
			// nothing to be read into, and a property dropped from a class loses nothing.
			.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
					DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.withCoercionConfig(LogicalType.Textual,
					(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.build();
	}

	@Override
	public Bound bind(Type type) {
		JavaType javaType = this.mapper.constructType(type);
		ObjectWriter writer = this.mapper.writerFor(javaType);
		ObjectReader reader = this.mapper.readerFor(javaType);
		return new Bound() {

			@Override
			public byte[] encode(@Nullable Object value) {
				return writer.writeValueAsBytes(value);
			}

			@Override
			public @Nullable Object decode(byte[] bytes) {
				return reader.readValue(bytes);
			}

		};
	}

}
