package io.tiercache.redis;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the invalidate script publishes:
 * {@code {"v":1,"e":epoch,"b":epochStart,"s":seq,"o":origin,"t":micros,"g":[tags]}}.
 * Numbers travel as strings because Redis's Lua would print large numbers in exponent
 * form.
 *
 * @param epoch the epoch of the sequence
 * @param epochStart the sequence number the epoch started at (0 if unknown): the first
 * message of the epoch has {@code epochStart + 1}
 * @param seq the invalidation's sequence number; consecutive messages have consecutive
 * numbers
 * @param tags the invalidated tags
 * @param origin the id of the instance that invalidated
 * @param publishedMicros when it was published, in microseconds since the epoch
 * @since 0.1.0
 */
public record InvalidationMessage(String epoch, long epochStart, long seq, List<String> tags, String origin,
		long publishedMicros) {

	/** Larger messages are dropped unread: no honest invalidation comes near it. */
	public static final int MAX_BYTES = 1 << 20;

	/**
	 * How many bytes of tags, escaped as JSON, one message carries at most: half of what
	 * receivers read, the rest being room for the other fields.
	 */
	static final int TAG_BYTES_PER_MESSAGE = MAX_BYTES / 2;

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	/**
	 * The tags of one invalidation in consecutive groups, each small enough for a message
	 * that receivers read ({@link #MAX_BYTES}), whatever characters the tags hold: an
	 * invalidation larger than that is published as several.
	 * @param tags the tags, at least one
	 * @return the groups, in order, at least one; a tag too large for a message of its
	 * own makes a group of its own
	 */
	public static List<List<String>> split(List<String> tags) {
		long chars = 0;
		for (String tag : tags) {
			chars += tag.length() + 1;
		}
		// Three UTF-8 bytes for a char at most, six when escaped.
		if (chars * 18 <= TAG_BYTES_PER_MESSAGE) {
			return List.of(tags);
		}
		List<List<String>> groups = new ArrayList<>();
		int from = 0;
		long bytes = 0;
		for (int i = 0; i < tags.size(); i++) {
			long tagBytes = escapedLength(tags.get(i)) + 3;
			if (i > from && bytes + tagBytes > TAG_BYTES_PER_MESSAGE) {
				groups.add(List.copyOf(tags.subList(from, i)));
				from = i;
				bytes = 0;
			}
			bytes += tagBytes;
		}
		groups.add(List.copyOf(tags.subList(from, tags.size())));
		return groups;
	}

	/**
	 * No less than the length of a text as the invalidate script's {@code cjson.encode}
	 * writes it, in bytes, without its quotes: it escapes quotes, backslashes and slashes
	 * with a backslash, and control characters as a six-character {@code u} escape at
	 * most.
	 */
	static long escapedLength(String text) {
		long length = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				length += 6;
			}
			else if (c == '"' || c == '\\' || c == '/') {
				length += 2;
			}
			else if (c < 0x80) {
				length++;
			}
			else if (c < 0x800 || Character.isSurrogate(c)) {
				// A surrogate pair is four bytes, two per char.
				length += 2;
			}
			else {
				length += 3;
			}
		}
		return length;
	}

	/**
	 * The body of a probe message: {@code {"v":1,"p":nonce}}. Probes share the channel so
	 * that a process can check its own subscription end to end.
	 * @param nonce the nonce
	 * @return the body
	 */
	public static String probe(String nonce) {
		return "{\"v\":1,\"p\":" + MAPPER.writeValueAsString(nonce) + "}";
	}

	/**
	 * The nonce of a probe message.
	 * @param body the message body
	 * @return the nonce, or {@code null} if the body is not a probe
	 */
	public static @Nullable String probeNonce(byte[] body) {
		if (body.length > 1024) {
			return null;
		}
		try {
			JsonNode node = MAPPER.readTree(body);
			return (node != null && node.isObject() && node.path("v").asInt(0) == 1) ? text(node, "p") : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * Decode a message, defensively. Read as a stream of tokens, never as a tree: every
	 * instance decodes every message, and building a tree of it was most of what applying
	 * it cost.
	 * @param body the message body
	 * @return the message, or {@code null} if the body is malformed, oversized or of an
	 * unknown version
	 */
	public static @Nullable InvalidationMessage decode(byte[] body) {
		if (body.length > MAX_BYTES) {
			return null;
		}
		try (JsonParser parser = MAPPER.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			Fields fields = new Fields();
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				// As in a tree: the last of duplicate fields wins, unknown fields are
				// skipped
				switch (name) {
					case "v" -> fields.version = (value == JsonToken.VALUE_NUMBER_INT
							&& parser.getNumberType() == JsonParser.NumberType.INT) ? parser.getIntValue() : 0;
					case "e" -> fields.epoch = string(parser, value);
					case "s" -> fields.seq = string(parser, value);
					case "b" -> fields.start = string(parser, value);
					case "o" -> fields.origin = string(parser, value);
					case "t" -> fields.published = string(parser, value);
					case "g" -> fields.tags = tags(parser, value);
					default -> parser.skipChildren();
				}
			}
			// Only the end of the object, then nothing: anything else is not ours
			if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
				return null;
			}
			return fields.message();
		}
		catch (JacksonException | NumberFormatException ex) {
			return null;
		}
	}

	/** The text of a string value, or {@code null} (skipping it) for any other value. */
	private static @Nullable String string(JsonParser parser, JsonToken value) {
		if (value == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		parser.skipChildren();
		return null;
	}

	/**
	 * The tags of a non-empty array of strings, or {@code null} (skipping it) for any
	 * other value.
	 */
	private static @Nullable List<String> tags(JsonParser parser, JsonToken value) {
		if (value != JsonToken.START_ARRAY) {
			parser.skipChildren();
			return null;
		}
		List<String> tags = new ArrayList<>();
		boolean strings = true;
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (token != JsonToken.VALUE_STRING) {
				strings = false;
				parser.skipChildren();
			}
			else {
				tags.add(parser.getString());
			}
		}
		return (strings && !tags.isEmpty()) ? tags : null;
	}

	/** What a message's fields were read as. */
	private static final class Fields {

		int version;

		@Nullable String epoch;

		@Nullable String seq;

		@Nullable String start;

		@Nullable String origin;

		@Nullable String published;

		@Nullable List<String> tags;

		@Nullable InvalidationMessage message() {
			if (this.version != 1 || this.epoch == null || this.seq == null || this.origin == null
					|| this.published == null || this.tags == null) {
				return null;
			}
			return new InvalidationMessage(this.epoch, (this.start != null) ? Long.parseLong(this.start) : 0,
					Long.parseLong(this.seq), List.copyOf(this.tags), this.origin, Long.parseLong(this.published));
		}

	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
