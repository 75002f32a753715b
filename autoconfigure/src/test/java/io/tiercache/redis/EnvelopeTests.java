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

	@ParameterizedTest
	@ValueSource(strings = { "9223372036854775808", "-9223372036854775809", "99999999999999999999", "1 ", " 1", "0x1",
			"1e3", "-", "+", "" })
	void aNumberFieldThatLongParseLongRefusesIsRejected(String loadSeq) {
		byte[] bytes = ("1\ne\n" + loadSeq + "\n2\n3\n4\n0\n0\n").getBytes(StandardCharsets.UTF_8);
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.decode(bytes));
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 7, Long.MAX_VALUE, Long.MIN_VALUE, -42 })
	void aNumberFieldIsReadAsLongParseLongReadsIt(long loadSeq) {
		byte[] bytes = ("1\ne\n" + loadSeq + "\n2\n3\n4\n0\n0\n").getBytes(StandardCharsets.UTF_8);
		assertThat(Envelope.decode(bytes).loadSeq()).isEqualTo(loadSeq);
		byte[] signed = ("1\ne\n+" + Math.abs(loadSeq % 1000) + "\n2\n3\n4\n0\n0\n").getBytes(StandardCharsets.UTF_8);
		assertThat(Envelope.decode(signed).loadSeq()).isEqualTo(Math.abs(loadSeq % 1000));
	}

	@Test
	void aTagLengthPastTheEndIsRejectedEvenWhereTheBoundsCheckWouldOverflow() {
		byte[] bytes = ("1\ne\n1\n2\n3\n4\n0\n1\n" + Integer.MAX_VALUE + "\ntag").getBytes(StandardCharsets.UTF_8);
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.decode(bytes));
	}

	@Test
	void anEnvelopeOfSlotGroupsRoundTripsWithALoadPerGroup() {
		byte[] payload = { '{', '\n', 0, (byte) 0xFF, '}' };
		List<Envelope.GroupLoad> loads = List.of(new Envelope.GroupLoad(3, "e3", 17),
				new Envelope.GroupLoad(127, "e127", Long.MAX_VALUE), new Envelope.GroupLoad(0, "e0", 0));
		Envelope envelope = new Envelope(loads, 1_700_000_000_042L, 1_767_225_600_000L, 5, false,
				List.of("product:1", "category:7", "prix:€"), payload);
		byte[] bytes = envelope.encode(128);
		Envelope decoded = Envelope.decode(bytes, 128);
		assertThat(decoded.loads()).isEqualTo(loads);
		assertThat(decoded.load(127)).isEqualTo(loads.get(1));
		assertThat(decoded.load(5)).as("a group it recorded nothing of").isNull();
		assertThat(decoded.tags()).isEqualTo(envelope.tags());
		assertThat(decoded.createdMillis()).isEqualTo(envelope.createdMillis());
		assertThat(decoded.softExpiryMillis()).isEqualTo(envelope.softExpiryMillis());
		assertThat(decoded.loadMillis()).isEqualTo(5);
		assertThat(decoded.payload()).isEqualTo(payload);
		assertThat(envelope.encodedLength(128)).as("the length without encoding").isEqualTo(bytes.length);
	}

	@Test
	void anEnvelopeWrittenUnderAnotherSlotGroupCountIsRejected() {
		Envelope envelope = new Envelope(List.of(new Envelope.GroupLoad(3, "e3", 17)), 1, 2, 3, false,
				List.of("product:1"), new byte[] { 'x' });
		// Its groups would name other tags' sequences
		byte[] grouped = envelope.encode(128);
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.decode(grouped, 64));
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.decode(grouped, 1));
		byte[] single = new Envelope("e", 1, 2, 3, 4, false, List.of("product:1"), new byte[0]).encode();
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.decode(single, 128));
	}

	@Test
	void everyTruncationOfAGroupedHeaderAndAGroupOutsideTheLayoutAreRejected() {
		byte[] payload = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
		Envelope envelope = new Envelope(
				List.of(new Envelope.GroupLoad(3, "e3", 17), new Envelope.GroupLoad(9, "e9", 4)), 1000, 2000, 3, false,
				List.of("product:1", "category:é"), payload);
		byte[] bytes = envelope.encode(16);
		int header = bytes.length - payload.length;
		for (int length = 0; length < header; length++) {
			byte[] truncated = Arrays.copyOf(bytes, length);
			assertThatIllegalArgumentException().as("the first %s bytes of %s", length, header)
				.isThrownBy(() -> Envelope.decode(truncated, 16));
		}
		for (String group : List.of("-1", "16", "x")) {
			byte[] hostile = ("2\n16\n1\n2\n3\n0\n0\n1\n" + group + "\ne\n1\n").getBytes(StandardCharsets.UTF_8);
			assertThatIllegalArgumentException().as("group %s", group).isThrownBy(() -> Envelope.decode(hostile, 16));
		}
		byte[] tooManyLoads = "2\n16\n1\n2\n3\n0\n0\n999\n".getBytes(StandardCharsets.UTF_8);
		assertThatIllegalArgumentException().isThrownBy(() -> Envelope.decode(tooManyLoads, 16));
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
