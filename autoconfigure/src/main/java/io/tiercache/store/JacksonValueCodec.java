package io.tiercache.store;

import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.InvalidDefinitionException;
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

	/**
	 * What of a declared type this codec cannot read back as it was written, found by
	 * walking the type, its containers' elements and its records' components. An abstract
	 * class or interface that Jackson cannot construct (no type information such as
	 * {@code @JsonTypeInfo}, no deserializer or concrete type of its own) never reads
	 * back at all; where the type leaves {@code Object} open, a value reads back as what
	 * JSON has (maps, lists, strings, numbers, booleans), not as the class it was.
	 * @param type the declared (generic) type of the values
	 * @return what was found
	 */
	public TypeCheck check(Type type) {
		TypeCheck found = new TypeCheck(null, null);
		return walk(this.mapper.constructType(type), new HashSet<>(), found);
	}

	private TypeCheck walk(JavaType type, Set<JavaType> seen, TypeCheck found) {
		Class<?> raw = type.getRawClass();
		if (found.unconstructible() != null || !seen.add(type)) {
			return found;
		}
		if (raw == Object.class) {
			return (found.untyped() != null) ? found : new TypeCheck(null, type);
		}
		if (type.isContainerType() || type.isReferenceType()) {
			// Map keys are read from JSON names, whatever their type
			JavaType content = type.isReferenceType() ? type.getReferencedType() : type.getContentType();
			return (content != null) ? walk(content, seen, found) : found;
		}
		if (raw.isPrimitive() || raw.isEnum() || raw.getName().startsWith("java.")) {
			// Jackson reads these itself, or as Object (Serializable, Comparable)
			return found;
		}
		if (type.isAbstract()) {
			return constructible(type) ? found : new TypeCheck(type, found.untyped());
		}
		TypeCheck result = found;
		if (raw.isRecord()) {
			for (RecordComponent component : raw.getRecordComponents()) {
				result = walk(
						this.mapper.getTypeFactory().resolveMemberType(component.getGenericType(), type.getBindings()),
						seen, result);
			}
		}
		return result;
	}

	// An abstract type Jackson has nothing to build from fails on any input as a bad
	// definition; with type information or a deserializer of its own, the empty object
	// fails otherwise or is read
	private boolean constructible(JavaType type) {
		try {
			this.mapper.readerFor(type).readValue("{}");
			return true;
		}
		catch (InvalidDefinitionException ex) {
			return false;
		}
		catch (RuntimeException ex) {
			return true;
		}
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
				try {
					return reader.readValue(bytes);
				}
				catch (InvalidDefinitionException ex) {
					// The type, not the entry, is at fault: no payload would ever do
					throw new UnreadableTypeException(
							"Cannot read any value as " + type.getTypeName() + ": " + ex.getOriginalMessage(), ex);
				}
			}

		};
	}

	/**
	 * What {@link #check(Type)} found.
	 *
	 * @param unconstructible the first abstract class or interface that cannot be read
	 * back, or {@code null}
	 * @param untyped the first place left as {@code Object}, or {@code null}
	 */
	public record TypeCheck(@Nullable JavaType unconstructible, @Nullable JavaType untyped) {

	}

}
