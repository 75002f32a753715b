package io.tiercache.store;

import java.time.temporal.TemporalAccessor;
import java.util.UUID;

import tools.jackson.databind.ObjectMapper;

/**
 * Renders a cache key as the text of its Redis key, the same in every process.
 * <ul>
 * <li>Plain values (strings, numbers, booleans, characters, enums, UUIDs, dates and
 * times) render as themselves, so keys stay readable in {@code redis-cli}.</li>
 * <li>Anything else, including the {@link CompositeKey} of several arguments, renders as
 * {@code ~} and its JSON, which distinguishes {@code ("a,b")} from
 * {@code ("a", "b")}.</li>
 * <li>A string that itself starts with {@code ~} gets a second one, so no two keys of one
 * cache render alike.</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class KeyRenderer {

	private static final String MARK = "~";

	private final ObjectMapper mapper;

	public KeyRenderer(ObjectMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Render a key.
	 * @param key the key
	 * @return its text
	 * @throws RuntimeException if the key cannot be rendered
	 */
	public String render(Object key) {
		if (key instanceof String string) {
			return string.startsWith(MARK) ? MARK + string : string;
		}
		if (key instanceof Number || key instanceof Boolean || key instanceof Character || key instanceof UUID
				|| key instanceof TemporalAccessor) {
			return key.toString();
		}
		if (key instanceof Enum<?> constant) {
			return constant.name();
		}
		if (key instanceof CompositeKey composite) {
			return (composite == CompositeKey.NULL) ? MARK + "null"
					: MARK + this.mapper.writeValueAsString(composite.elements());
		}
		return MARK + this.mapper.writeValueAsString(key);
	}

}
