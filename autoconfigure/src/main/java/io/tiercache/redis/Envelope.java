package io.tiercache.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An entry as stored in Redis: its validation data and its serialized value.
 * <p>
 * The header is text, each field ended by {@code '\n'}. Version 1, with one slot group
 * (the read script parses it to validate the entry in the same round trip): version,
 * epoch, load sequence, created and soft-expiry times (epoch millis), last load duration
 * (millis), flags and tag count, then each tag as its UTF-8 byte length, {@code '\n'} and
 * its bytes; the payload follows. Version 2, with several groups (validated by the
 * client): version, group count, created, soft expiry, load duration, flags, tag count,
 * load count, the tags as in version 1, then for each group of its tags its number, the
 * group's epoch and the group's sequence at the load; the payload follows. No type
 * information is stored: the reader decides the type.
 *
 * @param loads per slot group of its tags, the epoch and sequence read before the load
 * began; with one group, a single load of group 0 (also for an entry without tags)
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
public record Envelope(List<GroupLoad> loads, long createdMillis, long softExpiryMillis, long loadMillis,
		boolean absent, List<String> tags, byte[] payload) {

	static final byte VERSION = '1';

	static final byte GROUPED_VERSION = '2';

	private static final int FLAG_ABSENT = 1;

	/**
	 * An entry of the single-group layout.
	 * @param epoch the epoch the entry was loaded in
	 * @param loadSeq the invalidation sequence read before the load began
	 * @param createdMillis when the value was loaded
	 * @param softExpiryMillis when the value becomes stale
	 * @param loadMillis how long the load took
	 * @param absent whether the value is an absent value
	 * @param tags the entry's tags
	 * @param payload the serialized value
	 */
	public Envelope(String epoch, long loadSeq, long createdMillis, long softExpiryMillis, long loadMillis,
			boolean absent, List<String> tags, byte[] payload) {
		this(List.of(new GroupLoad(0, epoch, loadSeq)), createdMillis, softExpiryMillis, loadMillis, absent, tags,
				payload);
	}

	/** The epoch of the first group's load: the entry's epoch, with one group. */
	public String epoch() {
		return this.loads.get(0).epoch();
	}

	/** The load sequence of the first group: the entry's, with one group. */
	public long loadSeq() {
		return this.loads.get(0).seq();
	}

	/**
	 * The load of a group.
	 * @param group the group
	 * @return its load, or {@code null} if the entry recorded none for it
	 */
	public @Nullable GroupLoad load(int group) {
		for (GroupLoad load : this.loads) {
			if (load.group() == group) {
				return load;
			}
		}
		return null;
	}

	/**
	 * Encode this envelope in the single-group layout.
	 * @return the bytes to store
	 */
	public byte[] encode() {
		return encode(1);
	}

	/**
	 * Encode this envelope.
	 * @param groups the layout's group count: version 1 for one, version 2 otherwise
	 * @return the bytes to store
	 */
	public byte[] encode(int groups) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(64 + this.payload.length);
		if (groups == 1) {
			out.write(VERSION);
			out.write('\n');
			field(out, epoch());
			field(out, Long.toString(loadSeq()));
		}
		else {
			out.write(GROUPED_VERSION);
			out.write('\n');
			field(out, Integer.toString(groups));
		}
		field(out, Long.toString(this.createdMillis));
		field(out, Long.toString(this.softExpiryMillis));
		field(out, Long.toString(this.loadMillis));
		field(out, Integer.toString(this.absent ? FLAG_ABSENT : 0));
		field(out, Integer.toString(this.tags.size()));
		if (groups != 1) {
			field(out, Integer.toString(this.loads.size()));
		}
		for (String tag : this.tags) {
			byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
			field(out, Integer.toString(bytes.length));
			out.writeBytes(bytes);
		}
		if (groups != 1) {
			for (GroupLoad load : this.loads) {
				field(out, Integer.toString(load.group()));
				field(out, load.epoch());
				field(out, Long.toString(load.seq()));
			}
		}
		out.writeBytes(this.payload);
		return out.toByteArray();
	}

	/**
	 * The length of {@link #encode(int)}'s bytes, without encoding.
	 * @param groups the layout's group count
	 * @return the length
	 */
	public long encodedLength(int groups) {
		long length = 2 + fieldLength(Long.toString(this.createdMillis))
				+ fieldLength(Long.toString(this.softExpiryMillis)) + fieldLength(Long.toString(this.loadMillis)) + 2
				+ fieldLength(Integer.toString(this.tags.size()));
		if (groups == 1) {
			length += fieldLength(epoch()) + fieldLength(Long.toString(loadSeq()));
		}
		else {
			length += fieldLength(Integer.toString(groups)) + fieldLength(Integer.toString(this.loads.size()));
			for (GroupLoad load : this.loads) {
				length += fieldLength(Integer.toString(load.group())) + fieldLength(load.epoch())
						+ fieldLength(Long.toString(load.seq()));
			}
		}
		for (String tag : this.tags) {
			int bytes = tag.getBytes(StandardCharsets.UTF_8).length;
			length += fieldLength(Integer.toString(bytes)) + bytes;
		}
		return length + this.payload.length;
	}

	/**
	 * The length of {@link #encode()}'s bytes, without encoding.
	 * @return the length
	 */
	public long encodedLength() {
		return encodedLength(1);
	}

	private static int fieldLength(String value) {
		return value.getBytes(StandardCharsets.UTF_8).length + 1;
	}

	/**
	 * Decode an envelope of the single-group layout.
	 * @param bytes the stored bytes
	 * @return the envelope
	 * @throws IllegalArgumentException if the bytes are not an envelope of this version
	 */
	public static Envelope decode(byte[] bytes) {
		return decode(bytes, 1);
	}

	/**
	 * Decode an envelope.
	 * @param bytes the stored bytes
	 * @param groups the layout's group count: an envelope written under another count
	 * names groups that mean other tags, and is refused
	 * @return the envelope
	 * @throws IllegalArgumentException if the bytes are not an envelope of this layout
	 */
	public static Envelope decode(byte[] bytes, int groups) {
		// Numbers are read from the bytes in place: a Redis hit decodes one envelope, and
		// only the epoch and the tags need to be strings.
		Reader reader = new Reader(bytes);
		long version = reader.number();
		String epoch = null;
		long loadSeq = 0;
		if (groups == 1 && version == 1) {
			epoch = reader.field();
			loadSeq = reader.number();
		}
		else if (groups == 1 || version != 2 || reader.number() != groups) {
			throw new IllegalArgumentException("Unknown envelope version, or written with another slot-group count");
		}
		long created = reader.number();
		long softExpiry = reader.number();
		long loadMillis = reader.number();
		long flags = reader.number();
		int count = count(reader.number(), bytes);
		int loadCount = (epoch != null) ? 1 : count(reader.number(), bytes);
		String[] tags = new String[count];
		for (int i = 0; i < count; i++) {
			tags[i] = reader.bytes(count(reader.number(), bytes));
		}
		List<GroupLoad> loads;
		if (epoch != null) {
			loads = List.of(new GroupLoad(0, epoch, loadSeq));
		}
		else {
			GroupLoad[] read = new GroupLoad[loadCount];
			for (int i = 0; i < loadCount; i++) {
				long group = reader.number();
				if (group < 0 || group >= groups) {
					throw new IllegalArgumentException("Bad group " + group);
				}
				read[i] = new GroupLoad((int) group, reader.field(), reader.number());
			}
			loads = List.of(read);
		}
		byte[] payload = Arrays.copyOfRange(bytes, reader.position, bytes.length);
		return new Envelope(loads, created, softExpiry, loadMillis, (flags & FLAG_ABSENT) != 0, List.of(tags), payload);
	}

	private static int count(long count, byte[] bytes) {
		if (count < 0 || count > bytes.length) {
			throw new IllegalArgumentException("Bad count " + count);
		}
		return (int) count;
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

		/**
		 * A field holding a decimal number, with an optional sign, as
		 * {@link Long#parseLong} reads it.
		 */
		long number() {
			int i = this.position;
			boolean negative = false;
			if (i < this.bytes.length && (this.bytes[i] == '-' || this.bytes[i] == '+')) {
				negative = this.bytes[i] == '-';
				i++;
			}
			int digits = i;
			long value = 0;
			for (; i < this.bytes.length && this.bytes[i] != '\n'; i++) {
				int digit = this.bytes[i] - '0';
				if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
					throw new IllegalArgumentException("Bad number in envelope");
				}
				// Accumulated negatively, so that Long.MIN_VALUE is representable.
				value = value * 10 - digit;
			}
			if (i == this.bytes.length) {
				throw new IllegalArgumentException("Truncated envelope");
			}
			if (i == digits || (!negative && value == Long.MIN_VALUE)) {
				throw new IllegalArgumentException("Bad number in envelope");
			}
			this.position = i + 1;
			return negative ? value : -value;
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

	/**
	 * What an entry recorded of one slot group when its load began.
	 *
	 * @param group the group
	 * @param epoch the group's epoch
	 * @param seq the group's invalidation sequence
	 */
	public record GroupLoad(int group, String epoch, long seq) {
	}

}
