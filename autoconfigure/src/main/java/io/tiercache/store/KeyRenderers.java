package io.tiercache.store;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The renderings of {@link KeyRenderer}, one class per kind of key, each a value object
 * so that two caches' renderers can be compared.
 */
final class KeyRenderers {

	private static final String NULL = "~null";

	private static final List<Class<?>> SCALARS = List.of(Long.class, Integer.class, Short.class, Byte.class,
			Double.class, Float.class, Boolean.class, Character.class, BigDecimal.class, BigInteger.class, UUID.class,
			Instant.class, LocalDate.class, LocalDateTime.class, LocalTime.class, OffsetDateTime.class,
			OffsetTime.class, ZonedDateTime.class, Year.class, YearMonth.class, MonthDay.class, Duration.class,
			Period.class);

	private static final Map<Class<?>, String> TAGS = Map.ofEntries(Map.entry(Long.class, "long"),
			Map.entry(Integer.class, "int"), Map.entry(Short.class, "short"), Map.entry(Byte.class, "byte"),
			Map.entry(Double.class, "double"), Map.entry(Float.class, "float"), Map.entry(Boolean.class, "boolean"),
			Map.entry(Character.class, "char"), Map.entry(BigDecimal.class, "decimal"),
			Map.entry(BigInteger.class, "bigint"), Map.entry(UUID.class, "uuid"));

	private static final ClassValue<KeyRenderer> BY_CLASS = new ClassValue<>() {

		@Override
		protected KeyRenderer computeValue(Class<?> type) {
			try {
				return forType(type);
			}
			catch (IllegalArgumentException ex) {
				return new Refused(ex.getMessage());
			}
		}

	};

	private static final Field SIMPLE_KEY_PARAMS = ReflectionUtils.findField(SimpleKey.class, "params");

	static {
		if (SIMPLE_KEY_PARAMS != null) {
			ReflectionUtils.makeAccessible(SIMPLE_KEY_PARAMS);
		}
	}

	private KeyRenderers() {
	}

	static KeyRenderer forType(Type type) {
		if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
			Type[] arguments = parameterized.getActualTypeArguments();
			if (List.class.equals(raw)) {
				return new Sequence(forType(arguments[0]));
			}
			if (Set.class.equals(raw)) {
				return new SortedSet(forType(arguments[0]));
			}
			if (Map.class.equals(raw)) {
				return new SortedMap(forType(arguments[0]), forType(arguments[1]));
			}
			if (Optional.class.equals(raw)) {
				return new Maybe(forType(arguments[0]));
			}
			return forType(raw);
		}
		if (type instanceof GenericArrayType array) {
			return new Sequence(forType(array.getGenericComponentType()));
		}
		if (!(type instanceof Class<?> raw)) {
			// A type variable or a wildcard: the class is known at run time only.
			return Dynamic.INSTANCE;
		}
		Class<?> keyType = ClassUtils.resolvePrimitiveIfNecessary(raw);
		if (keyType == String.class) {
			return Text.INSTANCE;
		}
		if (SCALARS.contains(keyType) || ZoneId.class.isAssignableFrom(keyType)) {
			return new Scalar(keyType.getName());
		}
		if (keyType.isEnum() || (keyType.getSuperclass() != null && keyType.getSuperclass().isEnum())) {
			return new EnumName(keyType.isEnum() ? keyType.getName() : keyType.getSuperclass().getName());
		}
		if (keyType.isRecord()) {
			List<KeyRenderer> components = new ArrayList<>();
			for (RecordComponent component : keyType.getRecordComponents()) {
				try {
					components.add(forType(component.getGenericType()));
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("component '" + component.getName() + "' of record "
							+ keyType.getName() + ": " + ex.getMessage(), ex);
				}
			}
			return new Components(keyType.getName(), components);
		}
		if (keyType.isArray()) {
			return new Sequence(forType(keyType.getComponentType()));
		}
		if (List.class.equals(keyType) || Set.class.equals(keyType) || Map.class.equals(keyType)
				|| Optional.class.equals(keyType) || keyType.isInterface() || keyType == Object.class
				|| (Modifier.isAbstract(keyType.getModifiers()) && keyType.getName().startsWith("java."))) {
			return Dynamic.INSTANCE;
		}
		throw new IllegalArgumentException(keyType.getName()
				+ " is neither a value type nor a record, so nothing says which of its values are equal");
	}

	static String quote(String text) {
		StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < 0x20) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

	private static String joined(String open, List<String> parts, String close) {
		StringBuilder text = new StringBuilder(open);
		for (int i = 0; i < parts.size(); i++) {
			text.append((i > 0) ? "," : "").append(quote(parts.get(i)));
		}
		return text.append(close).toString();
	}

	/** Every value rendered by one renderer, in order. */
	private static List<String> each(KeyRenderer renderer, Iterable<?> values) {
		List<String> parts = new ArrayList<>();
		for (Object value : values) {
			parts.add(renderer.render(value));
		}
		return parts;
	}

	private static List<?> elements(Object value) {
		if (value instanceof List<?> list) {
			return list;
		}
		if (value instanceof Object[] array) {
			return Arrays.asList(array);
		}
		if (value.getClass().isArray()) {
			int length = Array.getLength(value);
			List<Object> elements = new ArrayList<>(length);
			for (int i = 0; i < length; i++) {
				elements.add(Array.get(value, i));
			}
			return elements;
		}
		throw new IllegalArgumentException("Not a list or an array: " + value.getClass().getName());
	}

	/** Strings as themselves. */
	record Text() implements KeyRenderer {

		static final Text INSTANCE = new Text();

		@Override
		public String render(@Nullable Object key) {
			if (key == null) {
				return NULL;
			}
			String text = (String) key;
			return text.startsWith("~") ? "~" + text : text;
		}

	}

	/** Value types whose {@code toString()} tells unequal values apart. */
	record Scalar(String type) implements KeyRenderer {

		@Override
		public String render(@Nullable Object key) {
			return (key != null) ? key.toString() : NULL;
		}

	}

	record EnumName(String type) implements KeyRenderer {

		@Override
		public String render(@Nullable Object key) {
			return (key != null) ? ((Enum<?>) key).name() : NULL;
		}

	}

	/** A record, by its components in order. */
	record Components(String type, List<KeyRenderer> components) implements KeyRenderer {

		private static final ClassValue<Method[]> ACCESSORS = new ClassValue<>() {

			@Override
			protected Method[] computeValue(Class<?> type) {
				RecordComponent[] components = type.getRecordComponents();
				Method[] accessors = new Method[components.length];
				for (int i = 0; i < components.length; i++) {
					accessors[i] = components[i].getAccessor();
					ReflectionUtils.makeAccessible(accessors[i]);
				}
				return accessors;
			}

		};

		Components {
			components = List.copyOf(components);
		}

		@Override
		public String render(@Nullable Object key) {
			if (key == null) {
				return NULL;
			}
			Method[] accessors = ACCESSORS.get(key.getClass());
			List<String> parts = new ArrayList<>(accessors.length);
			for (int i = 0; i < accessors.length; i++) {
				parts.add(this.components.get(i).render(ReflectionUtils.invokeMethod(accessors[i], key)));
			}
			return joined("~(", parts, ")");
		}

	}

	/** The elements of a {@link CompositeKey}, in order. */
	record Composite(List<KeyRenderer> elements) implements KeyRenderer {

		@Override
		public String render(@Nullable Object key) {
			if (!(key instanceof CompositeKey composite) || composite.elements().size() != this.elements.size()) {
				throw new IllegalArgumentException("Not a key of " + this.elements.size() + " elements: " + key);
			}
			List<String> parts = new ArrayList<>(this.elements.size());
			for (int i = 0; i < this.elements.size(); i++) {
				parts.add(this.elements.get(i).render(composite.elements().get(i)));
			}
			return joined("~(", parts, ")");
		}

	}

	/** One argument, which the interceptor wraps when it is {@code null} or an array. */
	record Single(KeyRenderer argument) implements KeyRenderer {

		@Override
		public String render(@Nullable Object key) {
			if (key == CompositeKey.NULL) {
				return NULL;
			}
			if (key instanceof CompositeKey wrapped && wrapped.elements().size() == 1) {
				return this.argument.render(wrapped.elements().get(0));
			}
			return this.argument.render(key);
		}

	}

	/** Lists and arrays, in order. */
	record Sequence(KeyRenderer element) implements KeyRenderer {

		@Override
		public String render(@Nullable Object key) {
			if (key == null) {
				return NULL;
			}
			return joined("~[", each(this.element, elements(key)), "]");
		}

	}

	/** Sets, sorted: equal sets render alike whatever their order. */
	record SortedSet(KeyRenderer element) implements KeyRenderer {

		@Override
		public String render(@Nullable Object key) {
			if (key == null) {
				return NULL;
			}
			List<String> parts = each(this.element, (Set<?>) key);
			parts.sort(null);
			return joined("~{", parts, "}");
		}

	}

	/** Maps, as their entries sorted. */
	record SortedMap(KeyRenderer key, KeyRenderer value) implements KeyRenderer {

		@Override
		public String render(@Nullable Object map) {
			if (map == null) {
				return NULL;
			}
			List<String> parts = new ArrayList<>();
			for (Map.Entry<?, ?> entry : ((Map<?, ?>) map).entrySet()) {
				parts.add(quote(this.key.render(entry.getKey())) + "=" + quote(this.value.render(entry.getValue())));
			}
			parts.sort(null);
			return joined("~{", parts, "}");
		}

	}

	record Maybe(KeyRenderer element) implements KeyRenderer {

		@Override
		public String render(@Nullable Object key) {
			if (key == null) {
				return NULL;
			}
			Optional<?> optional = (Optional<?>) key;
			return optional.isPresent() ? "~?" + quote(this.element.render(optional.get())) : "~?";
		}

	}

	/** A type that cannot be rendered, met at run time. */
	record Refused(String reason) implements KeyRenderer {

		@Override
		public String render(@Nullable Object key) {
			throw new IllegalArgumentException("Cannot use this key in Redis: " + this.reason);
		}

	}

	/** Keys whose class is known at run time only: each value carries its type. */
	record Dynamic() implements KeyRenderer {

		static final Dynamic INSTANCE = new Dynamic();

		@Override
		public String render(@Nullable Object key) {
			if (key == null) {
				return NULL;
			}
			if (key instanceof String text) {
				return Text.INSTANCE.render(text);
			}
			if (key instanceof CompositeKey composite) {
				return elementsOf(composite.elements());
			}
			if (key instanceof SimpleKey simpleKey) {
				return "~key:" + elementsOf(simpleKeyParams(simpleKey));
			}
			if (key instanceof List<?> list) {
				return "~list:" + new Sequence(this).render(list);
			}
			if (key instanceof Set<?> set) {
				return "~set:" + new SortedSet(this).render(set);
			}
			if (key instanceof Map<?, ?> map) {
				return "~map:" + new SortedMap(this, this).render(map);
			}
			if (key instanceof Optional<?> optional) {
				return "~optional:" + new Maybe(this).render(optional);
			}
			if (key.getClass().isArray()) {
				return "~array:" + new Sequence(this).render(key);
			}
			Class<?> type = key.getClass();
			KeyRenderer renderer = BY_CLASS.get(type);
			if (renderer instanceof Dynamic) {
				throw new IllegalArgumentException("Cannot use a " + type.getName() + " as a key in Redis");
			}
			return "~" + tag(type) + ":" + renderer.render(key);
		}

		private String elementsOf(List<?> elements) {
			return joined("~(", each(this, elements), ")");
		}

		private static List<?> simpleKeyParams(SimpleKey key) {
			if (key.equals(SimpleKey.EMPTY)) {
				return List.of();
			}
			if (SIMPLE_KEY_PARAMS == null) {
				throw new IllegalArgumentException("Cannot read the elements of a SimpleKey");
			}
			Object[] params = (Object[]) ReflectionUtils.getField(SIMPLE_KEY_PARAMS, key);
			return (params != null) ? Arrays.asList(params) : List.of();
		}

		// Built-in tags are Java keywords or lower-case words; other classes start with
		// '@',
		// which no class name does: no two types share a tag.
		private static String tag(Class<?> type) {
			String tag = TAGS.get(type);
			if (tag != null) {
				return tag;
			}
			if (type.getName().startsWith("java.time.")) {
				return type.getSimpleName();
			}
			Class<?> declaring = (type.getSuperclass() != null && type.getSuperclass().isEnum()) ? type.getSuperclass()
					: type;
			return "@" + declaring.getName();
		}

	}

}
