package io.tiercache.store;

import java.lang.reflect.Type;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Renders cache keys as the text of their Redis keys, the same in every process, so that
 * two keys render alike if and only if they are equal. A renderer is chosen per declared
 * key type, once, when a cache is declared; a type that cannot be rendered that way is
 * refused then, with the reason ({@link #forType}).
 *
 * <h2>Renderings</h2>
 * <ul>
 * <li>A string renders as itself, so keys stay readable in {@code redis-cli}; one that
 * starts with {@code ~} gets a second one, since every other rendering that starts with
 * {@code ~} is structured.</li>
 * <li>Numbers, booleans, characters, {@code UUID}s and {@code java.time} values render as
 * their {@code toString()}, which tells unequal values of one type apart ({@code 1.0} and
 * {@code 1.00} as {@code BigDecimal}, {@code 0.0} and {@code -0.0}); enums as their
 * name.</li>
 * <li>Records and several arguments render their components in order, each quoted as a
 * JSON string: {@code ~("42","eu")}; lists as {@code ~[...]}, sets and maps sorted, so
 * that equal ones render alike whatever their order: {@code ~{...}}; an empty
 * {@code Optional} as {@code ~?}, a present one as {@code ~?"..."}; {@code null} as
 * {@code ~null}.</li>
 * <li>Where the declared type does not fix the key's class ({@code Object}, an interface,
 * a key expression, the Spring Cache bridge), each value carries its type:
 * {@code ~long:42}, {@code ~int:42}, {@code ~@com.acme.Color:RED}; strings stay as they
 * are. So {@code 42L}, {@code 42} and {@code "42"} are three keys, as {@code equals}
 * says. Spring's {@code SimpleKey} renders its elements:
 * {@code ~key:~("~int:1","a")}.</li>
 * </ul>
 * Anything else (a class that is neither a value type nor a record) cannot be rendered:
 * what its {@code equals} compares is unknown, and JSON of its properties may leave out
 * what tells two keys apart, so two different keys would share an entry. Where the type
 * is only known at run time, such a key throws {@link IllegalArgumentException}, and the
 * call goes uncached.
 *
 * @since 0.1.0
 */
public interface KeyRenderer {

	/**
	 * Render a key.
	 * @param key the key
	 * @return its text
	 * @throws IllegalArgumentException if the key is of a type that cannot be rendered
	 */
	String render(@Nullable Object key);

	/**
	 * The renderer of keys whose class is known only at run time: every value carries its
	 * type.
	 * @return the renderer
	 */
	static KeyRenderer dynamic() {
		return KeyRenderers.Dynamic.INSTANCE;
	}

	/**
	 * The renderer of keys of one declared type.
	 * @param type the declared type, possibly generic
	 * @return the renderer; {@link #dynamic()} if the type does not fix the key's class
	 * @throws IllegalArgumentException naming the reason if keys of that type cannot be
	 * rendered so that unequal keys never render alike
	 */
	static KeyRenderer forType(Type type) {
		return KeyRenderers.forType(type);
	}

	/**
	 * The renderer of a {@link CompositeKey} whose elements have the given renderers, in
	 * order.
	 * @param elements the renderers of the elements
	 * @return the renderer
	 */
	static KeyRenderer composite(List<KeyRenderer> elements) {
		return new KeyRenderers.Composite(List.copyOf(elements));
	}

	/**
	 * The renderer of a key that is a single argument of the given renderer: a
	 * {@code null} argument comes as {@link CompositeKey#NULL}, and an array wrapped in a
	 * {@link CompositeKey}.
	 * @param argument the renderer of the argument
	 * @return the renderer
	 */
	static KeyRenderer single(KeyRenderer argument) {
		return new KeyRenderers.Single(argument);
	}

}
