package io.tiercache.store;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

/**
 * Turns values into bytes for Redis and back. The type to read is always the declared
 * type of the cached method: nothing read from Redis chooses a class to instantiate.
 *
 * @since 0.1.0
 */
public interface ValueCodec {

	/**
	 * A codec bound to one type, resolved once per cache.
	 * @param type the declared (generic) type of the values
	 * @return the bound codec
	 */
	Bound bind(Type type);

	/** A codec for one type. */
	interface Bound {

		/**
		 * Serialize a value.
		 * @param value the value, possibly {@code null}
		 * @return its bytes
		 * @throws RuntimeException if it cannot be serialized
		 */
		byte[] encode(@Nullable Object value);

		/**
		 * Deserialize a value.
		 * @param bytes its bytes
		 * @return the value
		 * @throws RuntimeException if the bytes do not hold a value of the type
		 */
		@Nullable Object decode(byte[] bytes);

	}

	/**
	 * Thrown by {@link Bound#decode} when no bytes could ever be read as the type, such
	 * as an interface that the codec cannot construct without type information: the entry
	 * is not older than its class, and a new namespace would not help.
	 */
	class UnreadableTypeException extends IllegalStateException {

		/**
		 * Create an exception.
		 * @param message what cannot be read
		 * @param cause the codec's own failure
		 */
		public UnreadableTypeException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
