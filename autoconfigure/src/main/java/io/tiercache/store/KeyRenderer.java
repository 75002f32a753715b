package io.tiercache.store;

import java.time.temporal.TemporalAccessor;
import java.util.UUID;

import tools.jackson.databind.ObjectMapper;

/**
 * Renders a cache key as the text of its Redis key. Plain values (strings, numbers, booleans,
 * characters, enums, UUIDs, dates and times) render as themselves; anything else, including
 * the composite key of several arguments, as its JSON, which is stable across processes and
 * distinguishes {@code ("a,b")} from {@code ("a", "b")}.
 *
 * @since 0.1.0
 */
public final class KeyRenderer {

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
			return string;
		}
		if (key instanceof Number || key instanceof Boolean || key instanceof Character || key instanceof UUID
				|| key instanceof TemporalAccessor) {
			return key.toString();
		}
		if (key instanceof Enum<?> constant) {
			return constant.name();
		}
		return this.mapper.writeValueAsString(key);
	}

}
