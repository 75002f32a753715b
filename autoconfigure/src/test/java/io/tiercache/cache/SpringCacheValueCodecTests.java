package io.tiercache.cache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.tiercache.store.ValueCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link SpringCacheValueCodec}: hostile bytes under a bridge cache's key are
 * refused at once, as a failed decode (which the store turns into a miss), never run for
 * long, fill the memory or reach the caller as an error.
 */
class SpringCacheValueCodecTests {

	private final ValueCodec.Bound codec = new SpringCacheValueCodec(List.of("io.tiercache"))
		.bind(SpringCacheValueCodec.VALUE_TYPE);

	@Test
	void trustedValuesRoundTrip() {
		assertThat(this.codec.decode(this.codec.encode(List.of("a", 1L)))).isEqualTo(List.of("a", 1L));
	}

	@Test
	void aDeserializationBombOfNestedSetsIsRefusedAtOnce() throws IOException {
		byte[] bomb = serialize(bomb(100));
		// A hang detector, not a speed goal: read as written, this runs for ages
		assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> assertThatRuntimeException().isThrownBy(() -> this.codec.decode(bomb)));
	}

	@Test
	void anArrayThatClaimsBillionsOfElementsIsRefusedWithoutAllocatingThem() throws IOException {
		byte[] bytes = serialize(new long[] { 42L });
		// The array's length is the int just before its one 8-byte element
		ByteBuffer.wrap(bytes).putInt(bytes.length - 12, Integer.MAX_VALUE);
		assertThatRuntimeException().isThrownBy(() -> this.codec.decode(bytes));
	}

	@Test
	void aClassOutsideTheTrustedPackagesIsRefused() throws IOException {
		byte[] bytes = serialize(new java.awt.Point(1, 2));
		assertThatRuntimeException().isThrownBy(() -> this.codec.decode(bytes));
	}

	private static Set<Object> bomb(int depth) {
		Set<Object> root = new HashSet<>();
		Set<Object> s1 = root;
		Set<Object> s2 = new HashSet<>();
		for (int i = 0; i < depth; i++) {
			Set<Object> t1 = new HashSet<>();
			Set<Object> t2 = new HashSet<>();
			t1.add("x");
			s1.add(t1);
			s1.add(t2);
			s2.add(t1);
			s2.add(t2);
			s1 = t1;
			s2 = t2;
		}
		return root;
	}

	private static byte[] serialize(Object value) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(value);
		}
		return bytes.toByteArray();
	}

}
