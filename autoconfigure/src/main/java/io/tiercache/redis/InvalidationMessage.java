package io.tiercache.redis;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
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
	 * Decode a message, defensively.
	 * @param body the message body
	 * @return the message, or {@code null} if the body is malformed, oversized or of an
	 * unknown version
	 */
	public static @Nullable InvalidationMessage decode(byte[] body) {
		if (body.length > MAX_BYTES) {
			return null;
		}
		try {
			JsonNode node = MAPPER.readTree(body);
			if (node == null || !node.isObject() || node.path("v").asInt(0) != 1) {
				return null;
			}
			String epoch = text(node, "e");
			String seq = text(node, "s");
			String start = text(node, "b");
			String origin = text(node, "o");
			String published = text(node, "t");
			JsonNode tagsNode = node.get("g");
			if (epoch == null || seq == null || origin == null || published == null || tagsNode == null
					|| !tagsNode.isArray() || tagsNode.isEmpty()) {
				return null;
			}
			List<String> tags = new ArrayList<>(tagsNode.size());
			for (JsonNode tag : tagsNode) {
				if (!tag.isString()) {
					return null;
				}
				tags.add(tag.asString());
			}
			return new InvalidationMessage(epoch, (start != null) ? Long.parseLong(start) : 0, Long.parseLong(seq),
					List.copyOf(tags), origin, Long.parseLong(published));
		}
		catch (JacksonException | NumberFormatException ex) {
			return null;
		}
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
