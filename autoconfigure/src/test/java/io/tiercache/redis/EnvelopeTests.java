package io.tiercache.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The envelope's encoding: every field survives a round trip, and bytes that are not a
 * whole envelope are rejected rather than misread.
 */
class EnvelopeTests {

	@Test
	void everyFieldRoundTrips() {
		// Tags hold the header's own separator and multi-byte characters; the payload any
		// byte.
		byte[] payload = { '{', '\n', 0, (byte) 0xFF, '1', '\n', '}' };
		Envelope envelope = new Envelope("8f3a9c", 1_700_000_000_042L, 1_767_225_600_000L, Long.MAX_VALUE, 17, false,
				List.of("product:1", "line\nbreak", "prix:€", ""), payload);
		assertRoundTrip(envelope);
	}

	@Test
	void anAbsentValueWithoutTagsAndAnEmptyPayloadRoundTrips() {
		assertRoundTrip(new Envelope("e", 0, 0, 0, 0, true, List.of(), new byte[0]));
	}

	@Test
	void everyTruncationOfTheHeaderIsRejected() {
		byte[] payload = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
		byte[] bytes = new Envelope("8f3a9c", 42, 1000, 2000, 3, false, List.of("product:1", "category:é"), payload)
			.encode();
		int header = bytes.length - payload.length;
		for (int length = 0; length < header; length++) {
			byte[] truncated = Arrays.copyOf(bytes, length);
			assertThatIllegalArgumentException().as("the first %s bytes of %s", length, header)
				.isThrownBy(() -> Envelope.decode(truncated));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "garbage", "{\"id\":1}", "{\n\"id\": 1\n}", "2\ne\n1\n2\n3\n4\n0\n0\n",
			"1\ne\nseq\n2\n3\n4\n0\n0\n", "1\ne\n1\n2\n3\n4\nabsent\n0\n", "1\ne\n1\n2\n3\n4\n0\n-1\n",
			"1\ne\n1\n2\n3\n4\n0\n99\n", "1\ne\n1\n2\n3\n4\n0\n1\n-1\n", "1\ne\n1\n2\n3\n4\n0\n1\n99\ntag",
			"1\ne\n1\n2\n3\n4\n0\n1\nfour\ntag" })
	void bytesThatAreNotAnEnvelopeOfThisVersionAreRejected(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.decode(text.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void aTagLengthPastTheEndIsRejectedEvenWhereTheBoundsCheckWouldOverflow() {
		byte[] bytes = ("1\ne\n1\n2\n3\n4\n0\n1\n" + Integer.MAX_VALUE + "\ntag").getBytes(StandardCharsets.UTF_8);
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.decode(bytes));
	}

	private static void assertRoundTrip(Envelope envelope) {
		Envelope decoded = Envelope.decode(envelope.encode());
		assertThat(decoded.epoch()).isEqualTo(envelope.epoch());
		assertThat(decoded.loadSeq()).isEqualTo(envelope.loadSeq());
		assertThat(decoded.createdMillis()).isEqualTo(envelope.createdMillis());
		assertThat(decoded.softExpiryMillis()).isEqualTo(envelope.softExpiryMillis());
		assertThat(decoded.loadMillis()).isEqualTo(envelope.loadMillis());
		assertThat(decoded.absent()).isEqualTo(envelope.absent());
		assertThat(decoded.tags()).isEqualTo(envelope.tags());
		assertThat(decoded.payload()).isEqualTo(envelope.payload());
		assertThat(envelope.encodedLength()).as("the length without encoding").isEqualTo(envelope.encode().length);
	}

}
