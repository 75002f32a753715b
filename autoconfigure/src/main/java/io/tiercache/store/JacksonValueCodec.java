package io.tiercache.store;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/**
 * JSON through the application's Jackson 3 mapper, read back as the declared generic type
 * (so records, generic collections, {@code List.of}, {@code Optional} and primitives
 * round-trip without type information in the payload).
 *
 * @since 0.1.0
 */
public final class JacksonValueCodec implements ValueCodec {

	private final ObjectMapper mapper;

	public JacksonValueCodec(ObjectMapper mapper) {
		this.mapper = mapper;
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
