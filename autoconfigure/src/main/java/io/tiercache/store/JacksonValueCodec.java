package io.tiercache.store;

import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.AnnotationIntrospector;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.SettableBeanProperty;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.introspect.AnnotatedMember;
import tools.jackson.databind.ser.bean.BeanSerializerBase;
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
	 * walking the type, its containers' elements and the properties Jackson reads into
	 * its records and other classes (not those of JDK types). An abstract class or
	 * interface that Jackson cannot construct (no type information such as
	 * {@code @JsonTypeInfo}, no deserializer or concrete type of its own), or a class
	 * without a creator for the JSON it is written as (no default constructor, no
	 * {@code @JsonCreator}), never reads back at all; where the type leaves
	 * {@code Object} open, a value reads back as what JSON has (maps, lists, strings,
	 * numbers, booleans), not as the class it was.
	 * @param type the declared (generic) type of the values
	 * @return what was found
	 */
	public TypeCheck check(Type type) {
		Walk walk = new Walk(this.mapper._deserializationContext(), new HashSet<>());
		return walk(this.mapper.constructType(type), null, walk, new TypeCheck(null, null));
	}

	private TypeCheck walk(JavaType type, @Nullable String path, Walk walk, TypeCheck found) {
		Class<?> raw = type.getRawClass();
		// Each type once: a type referring to itself is not walked again
		if (found.unconstructible() != null || !walk.seen().add(type)) {
			return found;
		}
		if (raw == Object.class) {
			return (found.untyped() != null) ? found : new TypeCheck(null, type, null, path, null);
		}
		if (type.isContainerType() || type.isReferenceType()) {
			// Map keys are read from JSON names, whatever their type
			JavaType content = type.isReferenceType() ? type.getReferencedType() : type.getContentType();
			return (content != null) ? walk(content, path, walk, found) : found;
		}
		if (raw.isPrimitive() || raw.isEnum() || raw.getName().startsWith("java.")
				|| raw.getName().startsWith("javax.")) {
			// Jackson reads these itself, or as Object (Serializable, Comparable)
			return found;
		}
		if (type.isAbstract()) {
			return constructible(type) ? found : new TypeCheck(type, found.untyped(), path, found.untypedPath(), null);
		}
		return walkProperties(type, path, walk, found);
	}

	private TypeCheck walkProperties(JavaType type, @Nullable String path, Walk walk, TypeCheck found) {
		ValueDeserializer<Object> deserializer;
		try {
			deserializer = walk.context().findRootValueDeserializer(type);
		}
		catch (DatabindException ex) {
			// What Jackson rejects when building the deserializer, it rejects on every
			// read
			return new TypeCheck(type, found.untyped(), path, found.untypedPath(), ex.getOriginalMessage());
		}
		if (!(deserializer instanceof BeanDeserializerBase bean)) {
			// A deserializer of its own (a module's, @JsonDeserialize) decides what it
			// reads
			return found;
		}
		if (!constructibleFromWhatIsWritten(type, bean.getValueInstantiator())) {
			return new TypeCheck(type, found.untyped(), path, found.untypedPath(), null);
		}
		TypeCheck result = found;
		for (Iterator<SettableBeanProperty> properties = bean.properties(); properties.hasNext();) {
			SettableBeanProperty property = properties.next();
			if (!decidedByTheProperty(property, walk.context())) {
				String here = type.getRawClass().getSimpleName() + "." + property.getName();
				result = walk(property.getType(), (path != null) ? path + " > " + here : here, walk, result);
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

	// A class is written as a JSON object unless it says otherwise (@JsonValue, a
	// serializer of its own): a creator from a scalar alone, such as a String
	// constructor beside others, cannot read that object back
	private boolean constructibleFromWhatIsWritten(JavaType type, ValueInstantiator instantiator) {
		if (instantiator.canCreateUsingDefault() || instantiator.canCreateFromObjectWith()
				|| instantiator.canCreateUsingDelegate() || instantiator.canCreateUsingArrayDelegate()) {
			return true;
		}
		if (!instantiator.canInstantiate()) {
			return false;
		}
		try {
			return !(this.mapper._serializationContext().findRootValueSerializer(type) instanceof BeanSerializerBase);
		}
		catch (DatabindException ex) {
			// Not written either: not a question of reading back
			return true;
		}
	}

	// Type information or a deserializer named on the property itself decides what is
	// read there, not the property's type
	private boolean decidedByTheProperty(SettableBeanProperty property, DeserializationContext context) {
		if (property.hasValueTypeDeserializer()) {
			return true;
		}
		AnnotatedMember member = property.getMember();
		AnnotationIntrospector introspector = context.getAnnotationIntrospector();
		if (member == null || introspector == null) {
			return false;
		}
		if (introspector.findDeserializer(context.getConfig(), member) != null
				|| introspector.findContentDeserializer(context.getConfig(), member) != null) {
			return true;
		}
		JavaType type = property.getType();
		return (type.isContainerType() || type.isReferenceType()) && type.getContentType() != null
				&& context.findPropertyContentTypeDeserializer(type, member) != null;
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
	 * @param unconstructible the first type that cannot be read back: an abstract class
	 * or interface without type information, or a class without a creator for what it is
	 * written as, or whose definition Jackson rejects; or {@code null}
	 * @param untyped the first place left as {@code Object}, or {@code null}
	 * @param unconstructiblePath the properties leading to {@code unconstructible}, such
	 * as {@code Order.lines > Product.pet}, or {@code null} where the declared type or
	 * its elements are that type
	 * @param untypedPath the properties leading to {@code untyped}, or {@code null} where
	 * the declared type or its elements leave {@code Object} open
	 * @param problem what Jackson said of the definition of {@code unconstructible} when
	 * it rejected it, or {@code null}
	 */
	public record TypeCheck(@Nullable JavaType unconstructible, @Nullable JavaType untyped,
			@Nullable String unconstructiblePath, @Nullable String untypedPath, @Nullable String problem) {

		/**
		 * What was found, at the declared type or its elements.
		 * @param unconstructible the first type that cannot be read back, or {@code null}
		 * @param untyped the first place left as {@code Object}, or {@code null}
		 */
		public TypeCheck(@Nullable JavaType unconstructible, @Nullable JavaType untyped) {
			this(unconstructible, untyped, null, null, null);
		}

	}

	private record Walk(DeserializationContext context, Set<JavaType> seen) {

	}

}
