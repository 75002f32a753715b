package io.tiercache.store;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which keys and tags {@link RedisText} refuses, and how it quotes them.
 */
class RedisTextTests {

	@Test
	void onlyAnUnpairedSurrogateMakesAKeyUnencodable() {
		for (String key : List.of("", "?", "\u00e9", "e\u0301", "\ud83d\ude00", "\u0000", "k".repeat(1 << 20))) {
			assertThat(RedisText.refusal(key)).as(RedisText.excerpt(key)).isNull();
		}
		for (String key : List.of("\ud800", "\udfff", "a\udc00", "\udc00\ud800", "\ud83d")) {
			assertThat(RedisText.refusal(key)).as(RedisText.excerpt(key)).contains("unpaired surrogate");
		}
	}

	@Test
	void aTagIsRefusedPastItsLimitInUtf8Bytes() {
		assertThat(RedisText.tagRefusal("t".repeat(RedisText.MAX_TAG_BYTES))).isNull();
		assertThat(RedisText.tagRefusal("\u00e9".repeat(RedisText.MAX_TAG_BYTES / 2))).isNull();
		assertThat(RedisText.tagRefusal("\ud83d\ude00".repeat(RedisText.MAX_TAG_BYTES / 4))).isNull();
		assertThat(RedisText.tagRefusal("t".repeat(RedisText.MAX_TAG_BYTES + 1))).contains("16385 bytes");
		assertThat(RedisText.tagRefusal("\u00e9".repeat(RedisText.MAX_TAG_BYTES / 2) + "t")).contains("16385 bytes");
		assertThat(RedisText.tagRefusal("\ud800")).contains("unpaired surrogate");
		assertThat(RedisText.firstTagRefusal(java.util.Arrays.asList("a", null, "\ud800", "b")))
			.startsWith("The tag \"\\ud800\"");
		assertThat(RedisText.firstTagRefusal(List.of("a", "b"))).isNull();
	}

	@Test
	void anExcerptNeitherFloodsNorForgesALogLine() {
		assertThat(RedisText.excerpt("a\nERROR forged\r\u2028\u202e\"\\\ud800\u0085"))
			.isEqualTo("\"a\\u000aERROR forged\\u000d\\u2028\\u202e\\u0022\\u005c\\ud800\\u0085\"");
		assertThat(RedisText.excerpt("x".repeat(10_000))).hasSize(66 + " (the first 64 of 10000 chars)".length())
			.endsWith(" (the first 64 of 10000 chars)");
	}

}
