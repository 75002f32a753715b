package io.tiercache.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link KeyRenderer}: two keys render alike if and only if they are equal.
 */
class KeyRendererTests {

	@Test
	void valuesOfADeclaredTypeRenderAsThemselves() {
		assertThat(KeyRenderer.forType(long.class).render(42L)).isEqualTo("42");
		assertThat(KeyRenderer.forType(String.class).render("lamp")).isEqualTo("lamp");
		assertThat(KeyRenderer.forType(Color.class).render(Color.RED)).isEqualTo("RED");
		assertThat(KeyRenderer.forType(Shade.class).render(Shade.DARK)).as("a constant with a body").isEqualTo("DARK");
		UUID id = UUID.randomUUID();
		assertThat(KeyRenderer.forType(UUID.class).render(id)).isEqualTo(id.toString());
		assertThat(KeyRenderer.forType(LocalDate.class).render(LocalDate.of(2026, 12, 1))).isEqualTo("2026-12-01");
	}

	@Test
	void aStringThatLooksStructuredIsEscaped() {
		KeyRenderer text = KeyRenderer.forType(String.class);
		assertThat(text.render("~null")).isEqualTo("~~null");
		assertThat(text.render("~(\"1\")")).isEqualTo("~~(\"1\")");
		assertThat(text.render(null)).isEqualTo("~null");
	}

	@Test
	void unequalValuesOfOneTypeRenderApart() {
		KeyRenderer decimal = KeyRenderer.forType(BigDecimal.class);
		assertThat(decimal.render(new BigDecimal("1.0"))).isNotEqualTo(decimal.render(new BigDecimal("1.00")));
		KeyRenderer real = KeyRenderer.forType(double.class);
		assertThat(real.render(0.0)).isNotEqualTo(real.render(-0.0));
	}

	@Test
	void recordsRenderTheirComponents() {
		assertThat(KeyRenderer.forType(ProductKey.class).render(new ProductKey(42, "eu")))
			.isEqualTo("~(\"42\",\"eu\")");
		assertThat(KeyRenderer.forType(Nested.class).render(new Nested(new ProductKey(1, "a,b"), List.of(2L))))
			.isEqualTo("~(\"~(\\\"1\\\",\\\"a,b\\\")\",\"~[\\\"2\\\"]\")");
	}

	@Test
	void argumentsRenderApartWhateverTheyContain() {
		KeyRenderer one = KeyRenderer.single(KeyRenderer.forType(String.class));
		KeyRenderer two = KeyRenderer
			.composite(List.of(KeyRenderer.forType(String.class), KeyRenderer.forType(String.class)));
		assertThat(one.render("a,b")).isEqualTo("a,b");
		assertThat(two.render(new CompositeKey("a", "b"))).isEqualTo("~(\"a\",\"b\")");
		assertThat(two.render(new CompositeKey("a\",\"b", ""))).isNotEqualTo(two.render(new CompositeKey("a", "b")));
		assertThat(one.render(CompositeKey.NULL)).isEqualTo("~null");
		assertThat(KeyRenderer.single(KeyRenderer.forType(long[].class))
			.render(new CompositeKey((Object) new long[] { 1, 2 }))).isEqualTo("~[\"1\",\"2\"]");
		assertThat(KeyRenderer.composite(List.of()).render(CompositeKey.EMPTY)).isEqualTo("~()");
	}

	@Test
	void setsAndMapsRenderAlikeWhateverTheirOrder() {
		KeyRenderer set = KeyRenderer.forType(new ParameterizedTypeReference<Set<Long>>() {
		}.getType());
		assertThat(set.render(new LinkedHashSet<>(List.of(1L, 2L))))
			.isEqualTo(set.render(new LinkedHashSet<>(List.of(2L, 1L))));
		KeyRenderer map = KeyRenderer.forType(new ParameterizedTypeReference<Map<String, Long>>() {
		}.getType());
		assertThat(map.render(Map.of("a", 1L, "b", 2L))).isEqualTo(map.render(new TreeMap<>(Map.of("b", 2L, "a", 1L))));
		KeyRenderer list = KeyRenderer.forType(new ParameterizedTypeReference<List<Long>>() {
		}.getType());
		assertThat(list.render(List.of(1L, 2L))).isNotEqualTo(list.render(List.of(2L, 1L)));
	}

	@Test
	void keysOfTypesKnownOnlyAtRunTimeCarryTheirType() {
		KeyRenderer dynamic = KeyRenderer.dynamic();
		assertThat(dynamic.render(42L)).isEqualTo("~long:42");
		assertThat(dynamic.render(42)).isEqualTo("~int:42");
		assertThat(dynamic.render("42")).isEqualTo("42");
		assertThat(dynamic.render(Color.RED)).isEqualTo("~@" + Color.class.getName() + ":RED");
		assertThat(dynamic.render(Shade.DARK)).isEqualTo("~@" + Shade.class.getName() + ":DARK");
		assertThat(dynamic.render(new SimpleKey(1, "a"))).isEqualTo("~key:~(\"~int:1\",\"a\")");
		assertThat(dynamic.render(SimpleKey.EMPTY)).isEqualTo("~key:~()");
		assertThat(dynamic.render(null)).isEqualTo("~null");
		assertThat(KeyRenderer.forType(Object.class)).isSameAs(dynamic);
	}

	@Test
	void aTypeThatCannotTellItsValuesApartIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> KeyRenderer.forType(Query.class))
			.withMessageContaining(Query.class.getName())
			.withMessageContaining("neither a value type nor a record");
		assertThatIllegalArgumentException().isThrownBy(() -> KeyRenderer.forType(Holder.class))
			.withMessageContaining("component 'query' of record " + Holder.class.getName());
		assertThatIllegalArgumentException().isThrownBy(() -> KeyRenderer.dynamic().render(new Query("a")))
			.withMessageContaining(Query.class.getName());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KeyRenderer.dynamic().render(new SimpleKey(new Query("a"))))
			.withMessageContaining(Query.class.getName());
	}

	@Test
	void twoKeysRenderAlikeIfAndOnlyIfTheyAreEqual() {
		List<Object> keys = new ArrayList<>();
		for (Object value : new Object[] { 1, 1L, (short) 1, (byte) 1, 1.0, 1.0f, "1", '1', true, "true",
				new BigDecimal("1"), new BigDecimal("1.0"), "", "~", "~~", "~null", "a,b", "\"", "\\", "~(\"1\")",
				Color.RED, "RED", Shade.DARK, new ProductKey(1, "a"), new ProductKey(1, "b"), List.of(1, 2),
				List.of(2, 1), Set.of(1, 2), Map.of(1, "a"), Optional.empty(), Optional.of(1), new int[] { 1 },
				new long[] { 1 }, LocalDate.of(2026, 1, 1), "2026-01-01" }) {
			keys.add(value);
		}
		keys.add(null);
		List<Object> composites = new ArrayList<>();
		for (Object first : keys) {
			composites.add(new SimpleKey(first, "x"));
			composites.add(new SimpleKey("x", first));
			composites.add(new CompositeKey(first));
		}
		keys.addAll(composites);
		KeyRenderer dynamic = KeyRenderer.dynamic();
		for (Object a : keys) {
			for (Object b : keys) {
				boolean equal = Arrays.deepEquals(new Object[] { a }, new Object[] { b });
				assertThat(dynamic.render(a).equals(dynamic.render(b))).as("%s and %s", describe(a), describe(b))
					.isEqualTo(equal);
			}
		}
	}

	private static String describe(Object key) {
		return (key != null) ? key.getClass().getSimpleName() + " " + Arrays.deepToString(new Object[] { key })
				: "null";
	}

	enum Color {

		RED, GREEN

	}

	enum Shade {

		DARK {
			@Override
			public String toString() {
				return "dark";
			}
		}

	}

	record ProductKey(long id, String region) {
	}

	record Nested(ProductKey key, List<Long> ids) {
	}

	static final class Query {

		private final String text;

		Query(String text) {
			this.text = text;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Query query && query.text.equals(this.text);
		}

		@Override
		public int hashCode() {
			return this.text.hashCode();
		}

	}

	record Holder(Query query) {
	}

}
