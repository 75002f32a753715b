package io.tiercache.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.tiercache.store.ValueCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.support.NullValue;
import org.springframework.util.ClassUtils;

/**
 * Codec of the Spring Cache bridge's values, and only of those: bridge caches are created
 * with it (their value type is {@link #VALUE_TYPE}); every other cache uses the
 * application's codec.
 * <p>
 * Spring's {@code Cache} API does not say what type a value is read as, so, as with
 * Spring's own {@code RedisCacheManager} by default, the class is read from the payload.
 * Only classes of trusted packages (and of {@code java.lang}, {@code java.util},
 * {@code java.time} and {@code java.math}) may be deserialized: an
 * {@link ObjectInputFilter} rejects every other class, so Redis content cannot make this
 * process instantiate arbitrary classes.
 *
 * @since 0.1.0
 */
public final class SpringCacheValueCodec implements ValueCodec {

	/** The value type of every bridge cache. */
	public static final Type VALUE_TYPE = new Type() {

		@Override
		public String getTypeName() {
			return "Spring Cache value (Java serialization)";
		}

		@Override
		public String toString() {
			return getTypeName();
		}

	};

	private static final List<String> LIMITS = List.of("maxdepth=32", "maxrefs=100000", "maxarray=1000000");

	private static final List<String> ALWAYS_TRUSTED = List.of("java.lang.*", "java.util.*", "java.time.*",
			"java.math.*", "org.springframework.cache.support.NullValue");

	private final ObjectInputFilter filter;

	/**
	 * Create a codec.
	 * @param trustedPackages packages (and their sub-packages) whose classes bridge
	 * values may be made of
	 */
	public SpringCacheValueCodec(Collection<String> trustedPackages) {
		// Bounds first: a planted "bomb" of nested sets, or an array header claiming
		// billions
		// of elements, is refused before it costs time or memory.
		List<String> patterns = new ArrayList<>(LIMITS);
		patterns.addAll(ALWAYS_TRUSTED);
		for (String trusted : trustedPackages) {
			patterns.add(trusted + ".**");
		}
		patterns.add("!*");
		this.filter = ObjectInputFilter.Config.createFilter(String.join(";", patterns));
	}

	/**
	 * Whether values of a class may be read back: the filter allows its class (an array's
	 * elements' class), for a trusted package or one always trusted. A cache declared to
	 * hold values of a class this refuses would never read one back.
	 * @param type the class
	 * @return whether it is trusted
	 */
	public boolean trusts(Class<?> type) {
		Class<?> element = type;
		while (element.isArray()) {
			element = element.getComponentType();
		}
		if (element.isPrimitive()) {
			return true;
		}
		Class<?> checked = element;
		ObjectInputFilter.FilterInfo info = new ObjectInputFilter.FilterInfo() {

			@Override
			public Class<?> serialClass() {
				return checked;
			}

			@Override
			public long arrayLength() {
				return -1;
			}

			@Override
			public long depth() {
				return 1;
			}

			@Override
			public long references() {
				return 1;
			}

			@Override
			public long streamBytes() {
				return 0;
			}

		};
		return this.filter.checkInput(info) == ObjectInputFilter.Status.ALLOWED;
	}

	@Override
	public Bound bind(Type type) {
		if (type != VALUE_TYPE) {
			throw new IllegalArgumentException("Only Spring Cache bridge caches use this codec, not " + type);
		}
		return new Serializing(List.of());
	}

	/**
	 * This codec for a cache whose values are known to be of some types: a value read of
	 * another class (planted, or stored by other code under the same name) is refused as
	 * undecodable, so the store removes it and calls the method, instead of handing the
	 * caller a value its method cannot return.
	 * @param valueTypes the types values of the cache may be of; empty for any
	 * @return the codec
	 */
	public ValueCodec expecting(List<Class<?>> valueTypes) {
		List<Class<?>> types = List.copyOf(valueTypes);
		return (type) -> {
			if (type != VALUE_TYPE) {
				throw new IllegalArgumentException("Only Spring Cache bridge caches use this codec, not " + type);
			}
			return new Serializing(types);
		};
	}

	private final class Serializing implements Bound {

		private final List<Class<?>> valueTypes;

		Serializing(List<Class<?>> valueTypes) {
			this.valueTypes = valueTypes;
		}

		@Override
		public byte[] encode(@Nullable Object value) {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
			try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
				out.writeObject(value);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(
						"Cannot serialize a " + ((value != null) ? value.getClass().getName() : "null")
								+ " (values of Spring Cache bridge caches must be Serializable)",
						ex);
			}
			return bytes.toByteArray();
		}

		@Override
		public @Nullable Object decode(byte[] bytes) {
			try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
				in.setObjectInputFilter(SpringCacheValueCodec.this.filter);
				return checkType(in.readObject());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot deserialize a value (is its class in a trusted package? "
						+ "see tiercache.spring-cache.trusted-packages)", ex);
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException("Cannot deserialize a value: " + ex.getMessage(), ex);
			}
		}

		private @Nullable Object checkType(@Nullable Object value) {
			if (value == null || this.valueTypes.isEmpty() || value instanceof NullValue) {
				return value;
			}
			for (Class<?> type : this.valueTypes) {
				if (ClassUtils.resolvePrimitiveIfNecessary(type).isInstance(value)) {
					return value;
				}
			}
			throw new IllegalStateException("Refused a value of class " + value.getClass().getName()
					+ " in a cache whose values are " + this.valueTypes.stream().map(Class::getName).toList()
					+ " (tiercache.spring-cache.value-types)");
		}

	}

}
