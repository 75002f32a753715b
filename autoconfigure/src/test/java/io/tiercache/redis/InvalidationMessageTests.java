package io.tiercache.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages of the invalidation channel, in the form the invalidate script publishes them
 * ({@code cjson.encode}), and probes.
 */
class InvalidationMessageTests {

	private static final String INVALIDATION = "{\"v\":1,\"e\":\"8f3a9c\",\"b\":\"1700000000000\","
			+ "\"s\":\"1700000000042\",\"o\":\"instance-1\",\"t\":\"1767225600123456\","
			+ "\"g\":[\"product:1\",\"path:\\/a\\/b\",\"prix:\\u20ac\"]}";

	@Test
	void aPublishedMessageDecodesToEveryField() {
		InvalidationMessage message = InvalidationMessage.decode(bytes(INVALIDATION));
		assertThat(message).isEqualTo(new InvalidationMessage("8f3a9c", 1_700_000_000_000L, 1_700_000_000_042L,
				List.of("product:1", "path:/a/b", "prix:€"), "instance-1", 1_767_225_600_123_456L));
	}

	@Test
	void aMessageWithoutTheEpochStartHasStartZero() {
		InvalidationMessage message = InvalidationMessage
			.decode(bytes("{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}"));
		assertThat(message).isNotNull();
		assertThat(message.epochStart()).isZero();
		assertThat(message.seq()).isEqualTo(5);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "garbage", "[]", "\"text\"", "null", "{}",
			"{\"v\":2,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"v\":1,\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"v\":1,\"e\":\"e\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"g\":[\"a\"]}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\"}",
			"{\"v\":1,\"e\":\"e\",\"s\":5,\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"five\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"v\":1,\"e\":\"e\",\"b\":\"x\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[]}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":{}}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\",7]}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":\"a\"}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]",
			"{\"v\":\"1\",\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"v\":1.0,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\",[\"b\"]]}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]} {}",
			"{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"a\"]}]" })
	void malformedBodiesDecodeToNull(String body) {
		assertThat(InvalidationMessage.decode(bytes(body))).isNull();
	}

	@Test
	void unknownFieldsAreSkippedAndTheLastOfDuplicateFieldsCounts() {
		InvalidationMessage message = InvalidationMessage.decode(bytes("{\"x\":{\"y\":[1,{\"z\":\"w\"}]},\"v\":1,"
				+ "\"e\":\"old\",\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":7,\"g\":[\"a\"],\"q\":null}"));
		assertThat(message).isEqualTo(new InvalidationMessage("e", 0, 5, List.of("a"), "o", 6));
	}

	@Test
	void aBodyAboveTheSizeLimitIsDroppedUnread() {
		String tag = "t".repeat(InvalidationMessage.MAX_BYTES);
		String body = "{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":[\"" + tag + "\"]}";
		assertThat(InvalidationMessage.decode(bytes(body))).isNull();
	}

	@Test
	void theTagsOfAnInvalidationTooLargeForOneMessageAreSplitInOrderIntoMessagesReceiversRead() {
		List<String> tags = new ArrayList<>();
		for (int i = 0; i < 400; i++) {
			// Control characters and slashes: escaped, they take six and two bytes.
			tags.add(i + ":" + "\u0001/\u00e9\ud83d\ude00".repeat(500));
		}
		List<List<String>> groups = InvalidationMessage.split(tags);
		assertThat(groups).hasSizeGreaterThan(1);
		assertThat(groups.stream().flatMap(List::stream).toList()).isEqualTo(tags);
		for (List<String> group : groups) {
			String body = "{\"v\":1,\"e\":\"e\",\"s\":\"5\",\"o\":\"o\",\"t\":\"6\",\"g\":"
					+ JsonMapper.builder().build().writeValueAsString(group).replace("/", "\\/") + "}";
			assertThat(bytes(body).length).isLessThanOrEqualTo(InvalidationMessage.MAX_BYTES);
			assertThat(InvalidationMessage.decode(bytes(body))).extracting(InvalidationMessage::tags).isEqualTo(group);
		}
		assertThat(InvalidationMessage.split(tags.subList(0, 3))).as("most invalidations are one message")
			.containsExactly(tags.subList(0, 3));
	}

	@Test
	void noTagIsLongerEscapedThanItsBoundSays() {
		for (String tag : List.of("", "a", "\"\\/", "\u0000\n\u001f\u007f", "\u00e9\u20ac\ud83d\ude00", "\ud800")) {
			String json = JsonMapper.builder().build().writeValueAsString(tag).replace("/", "\\/");
			assertThat(InvalidationMessage.escapedLength(tag)).as(tag).isGreaterThanOrEqualTo(bytes(json).length - 2);
		}
	}

	@Test
	void aProbeRoundTripsItsNonce() {
		for (String nonce : List.of("3b6f0c2e-8d1a-4f7e-9c55-0a1b2c3d4e5f", "", "quote\" back\\slash", "é\n€")) {
			assertThat(InvalidationMessage.probeNonce(bytes(InvalidationMessage.probe(nonce)))).isEqualTo(nonce);
		}
	}

	@Test
	void aProbeIsNotMistakenForAnInvalidation() {
		assertThat(InvalidationMessage.decode(bytes(InvalidationMessage.probe("nonce")))).isNull();
	}

	@Test
	void anInvalidationIsNotMistakenForAProbe() {
		assertThat(InvalidationMessage.probeNonce(bytes(INVALIDATION))).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "garbage", "[]", "{}", "{\"v\":2,\"p\":\"nonce\"}", "{\"p\":\"nonce\"}",
			"{\"v\":1,\"p\":7}", "{\"v\":1,\"p\":\"nonce\"" })
	void otherBodiesAreNotProbes(String body) {
		assertThat(InvalidationMessage.probeNonce(bytes(body))).isNull();
	}

	@Test
	void aBodyAboveTheProbeSizeIsNotAProbe() {
		assertThat(InvalidationMessage.probeNonce(bytes(InvalidationMessage.probe("n".repeat(1024))))).isNull();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
