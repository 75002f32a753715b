package io.tiercache.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An entry as stored in Redis: its validation data and its serialized value.
 * <p>
 * The header is text that the read script parses to validate the entry in the same round
 * trip: version, epoch, load sequence, created and soft-expiry times (epoch millis), last
 * load duration (millis), flags and tag count, each ended by {@code '\n'}, then each tag
 * as its UTF-8 byte length, {@code '\n'} and its bytes; the payload follows. No type
 * information is stored: the reader decides the type.
 *
 * @param epoch the epoch the entry was loaded in
 * @param loadSeq the invalidation sequence read before the load began
 * @param createdMillis when the value was loaded
 * @param softExpiryMillis when the value becomes stale (equal to the hard expiry when
 * stale-while-revalidate is off)
 * @param loadMillis how long the load took
 * @param absent whether the value is an absent value ({@code null} or empty
 * {@code Optional})
 * @param tags the entry's tags
 * @param payload the serialized value
 * @since 0.1.0
 */
public record Envelope(String epoch, long loadSeq, long createdMillis, long softExpiryMillis, long loadMillis,
		boolean absent, List<String> tags, byte[] payload) {

	static final byte VERSION = '1';

	private static final int FLAG_ABSENT = 1;

	/**
	 * Encode this envelope.
	 * @return the bytes to store
	 */
	public byte[] encode() {
		ByteArrayOutputStream out = new ByteArrayOutputStream(64 + this.payload.length);
		out.write(VERSION);
		out.write('\n');
		field(out, this.epoch);
		field(out, Long.toString(this.loadSeq));
		field(out, Long.toString(this.createdMillis));
		field(out, Long.toString(this.softExpiryMillis));
		field(out, Long.toString(this.loadMillis));
		field(out, Integer.toString(this.absent ? FLAG_ABSENT : 0));
		field(out, Integer.toString(this.tags.size()));
		for (String tag : this.tags) {
			byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
			field(out, Integer.toString(bytes.length));
			out.writeBytes(bytes);
		}
		out.writeBytes(this.payload);
		return out.toByteArray();
	}

	/**
	 * The length of {@link #encode()}'s bytes, without encoding.
	 * @return the length
	 */
	public long encodedLength() {
		long length = 2 + fieldLength(this.epoch) + fieldLength(Long.toString(this.loadSeq))
				+ fieldLength(Long.toString(this.createdMillis)) + fieldLength(Long.toString(this.softExpiryMillis))
				+ fieldLength(Long.toString(this.loadMillis)) + 2 + fieldLength(Integer.toString(this.tags.size()));
		for (String tag : this.tags) {
			int bytes = tag.getBytes(StandardCharsets.UTF_8).length;
			length += fieldLength(Integer.toString(bytes)) + bytes;
		}
		return length + this.payload.length;
	}

	private static int fieldLength(String value) {
		return value.getBytes(StandardCharsets.UTF_8).length + 1;
	}

	/**
	 * Decode an envelope.
	 * @param bytes the stored bytes
	 * @return the envelope
	 * @throws IllegalArgumentException if the bytes are not an envelope of this version
	 */
	public static Envelope decode(byte[] bytes) {
		Reader reader = new Reader(bytes);
		if (!"1".equals(reader.field())) {
			throw new IllegalArgumentException("Unknown envelope version");
		}
		String epoch = reader.field();
		long loadSeq = Long.parseLong(reader.field());
		long created = Long.parseLong(reader.field());
		long softExpiry = Long.parseLong(reader.field());
		long loadMillis = Long.parseLong(reader.field());
		int flags = Integer.parseInt(reader.field());
		int count = Integer.parseInt(reader.field());
		if (count < 0 || count > bytes.length) {
			throw new IllegalArgumentException("Bad tag count " + count);
		}
		List<String> tags = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			int length = Integer.parseInt(reader.field());
			tags.add(reader.bytes(length));
		}
		byte[] payload = Arrays.copyOfRange(bytes, reader.position, bytes.length);
		return new Envelope(epoch, loadSeq, created, softExpiry, loadMillis, (flags & FLAG_ABSENT) != 0,
				List.copyOf(tags), payload);
	}

	private static void field(ByteArrayOutputStream out, String value) {
		out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
		out.write('\n');
	}

	private static final class Reader {

		private final byte[] bytes;

		private int position;

		Reader(byte[] bytes) {
			this.bytes = bytes;
		}

		String field() {
			for (int i = this.position; i < this.bytes.length; i++) {
				if (this.bytes[i] == '\n') {
					String value = new String(this.bytes, this.position, i - this.position, StandardCharsets.UTF_8);
					this.position = i + 1;
					return value;
				}
			}
			throw new IllegalArgumentException("Truncated envelope");
		}

		String bytes(int length) {
			// Not position + length: that overflows for a length near Integer.MAX_VALUE.
			if (length < 0 || length > this.bytes.length - this.position) {
				throw new IllegalArgumentException("Truncated envelope");
			}
			String value = new String(this.bytes, this.position, length, StandardCharsets.UTF_8);
			this.position += length;
			return value;
		}

	}

}
