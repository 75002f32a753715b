package io.tiercache.store;

import java.util.Collection;

import io.tiercache.redis.InvalidationMessage;
import org.jspecify.annotations.Nullable;

/**
 * Which keys and tags Redis can hold as tiercache writes them, and why not. Keys and tags
 * reach Redis as UTF-8, which cannot encode an unpaired surrogate: Java writes one as
 * {@code ?}, so such a key would share its entry with the key {@code "?"}, and such a tag
 * its record and its messages with the tag {@code "?"}. A tag also travels in every
 * invalidation message naming it, which receivers read up to
 * {@link InvalidationMessage#MAX_BYTES}: one longer than {@link #MAX_TAG_BYTES} is
 * refused too. What is refused is reported and counted where it is met, never rewritten:
 * a call with such a key or tag goes uncached, and an invalidation of such a tag, which
 * no entry can carry, invalidates the others.
 */
final class RedisText {

	/**
	 * The longest tag, in UTF-8 bytes: escaped as JSON at six bytes for one, it still
	 * fits a message several times over.
	 */
	static final int MAX_TAG_BYTES = 16 * 1024;

	/** How much of a refused text messages quote. */
	private static final int EXCERPT_CHARS = 64;

	private RedisText() {
	}

	/**
	 * Why a rendered key cannot be a Redis key as it is.
	 * @param key the rendered key
	 * @return the reason, or {@code null} if it can
	 */
	static @Nullable String refusal(String key) {
		return (utf8Length(key) < 0) ? "holds an unpaired surrogate, which UTF-8 cannot encode" : null;
	}

	/**
	 * Why a tag cannot be stored and invalidated as it is.
	 * @param tag the tag
	 * @return the reason, or {@code null} if it can
	 */
	static @Nullable String tagRefusal(String tag) {
		long length = utf8Length(tag);
		if (length < 0) {
			return "holds an unpaired surrogate, which UTF-8 cannot encode";
		}
		if (length > MAX_TAG_BYTES) {
			return "is " + length + " bytes long in UTF-8, more than the " + MAX_TAG_BYTES + " a tag may have";
		}
		return null;
	}

	/**
	 * The first tag that cannot be stored, with why.
	 * @param tags the tags; {@code null}s are skipped
	 * @return a sentence naming it, or {@code null} if every tag can be stored
	 */
	static @Nullable String firstTagRefusal(Collection<String> tags) {
		for (String tag : tags) {
			if (tag != null) {
				String refusal = tagRefusal(tag);
				if (refusal != null) {
					return "The tag " + excerpt(tag) + " " + refusal;
				}
			}
		}
		return null;
	}

	/**
	 * The start of a text, quoted with control, format and surrogate characters escaped,
	 * so that a hostile key or tag neither floods nor forges log lines.
	 * @param text the text
	 * @return the excerpt
	 */
	static String excerpt(String text) {
		StringBuilder excerpt = new StringBuilder("\"");
		int end = Math.min(text.length(), EXCERPT_CHARS);
		for (int i = 0; i < end; i++) {
			char c = text.charAt(i);
			int type = Character.getType(c);
			if (c < 0x20 || c == '"' || c == '\\' || (c >= 0x7f && c < 0xa0) || type == Character.FORMAT
					|| type == Character.SURROGATE || type == Character.LINE_SEPARATOR
					|| type == Character.PARAGRAPH_SEPARATOR) {
				excerpt.append(String.format("\\u%04x", (int) c));
			}
			else {
				excerpt.append(c);
			}
		}
		excerpt.append('"');
		if (end < text.length()) {
			excerpt.append(" (the first ").append(end).append(" of ").append(text.length()).append(" chars)");
		}
		return excerpt.toString();
	}

	/** The length of a text in UTF-8, or -1 if it holds an unpaired surrogate. */
	private static long utf8Length(String text) {
		long length = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				length++;
			}
			else if (c < 0x800) {
				length += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				length += 4;
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return -1;
			}
			else {
				length += 3;
			}
		}
		return length;
	}

}
