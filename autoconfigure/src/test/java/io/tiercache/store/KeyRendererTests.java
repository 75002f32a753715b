package io.tiercache.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys as the text of their Redis keys: readable for plain values, and never two keys of
 * one cache alike.
 */
class KeyRendererTests {

	private final KeyRenderer renderer = new KeyRenderer(JsonMapper.builder().build());

	@Test
	void plainValuesRenderAsThemselves() {
		UUID id = UUID.fromString("3b6f0c2e-8d1a-4f7e-9c55-0a1b2c3d4e5f");
		assertThat(this.renderer.render("lamp")).isEqualTo("lamp");
		assertThat(this.renderer.render("a~b")).isEqualTo("a~b");
		assertThat(this.renderer.render("")).isEqualTo("");
		assertThat(this.renderer.render(42)).isEqualTo("42");
		assertThat(this.renderer.render(42L)).isEqualTo("42");
		assertThat(this.renderer.render(new BigDecimal("12.50"))).isEqualTo("12.50");
		assertThat(this.renderer.render(1.5)).isEqualTo("1.5");
		assertThat(this.renderer.render(true)).isEqualTo("true");
		assertThat(this.renderer.render('x')).isEqualTo("x");
		assertThat(this.renderer.render(id)).isEqualTo("3b6f0c2e-8d1a-4f7e-9c55-0a1b2c3d4e5f");
		assertThat(this.renderer.render(LocalDate.of(2026, 1, 2))).isEqualTo("2026-01-02");
		assertThat(this.renderer.render(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("2026-01-02T03:04:05Z");
	}

	@Test
	void enumsRenderByNameWhateverTheirToString() {
		assertThat(this.renderer.render(Color.RED)).isEqualTo("RED");
		assertThat(this.renderer.render(Color.GREEN)).as("a constant with a body").isEqualTo("GREEN");
	}

	@Test
	void aStringStartingWithTheMarkGetsASecondOne() {
		assertThat(this.renderer.render("~")).isEqualTo("~~");
		assertThat(this.renderer.render("~lamp")).isEqualTo("~~lamp");
		assertThat(this.renderer.render("~~")).isEqualTo("~~~");
	}

	@Test
	void compositeKeysRenderAsTheMarkAndTheirJson() {
		assertThat(this.renderer.render(new CompositeKey("a,b"))).isEqualTo("~[\"a,b\"]");
		assertThat(this.renderer.render(new CompositeKey("a", "b"))).isEqualTo("~[\"a\",\"b\"]");
		assertThat(this.renderer.render(new CompositeKey("a", null, 1))).isEqualTo("~[\"a\",null,1]");
		assertThat(this.renderer.render(CompositeKey.EMPTY)).isEqualTo("~[]");
		assertThat(this.renderer.render(CompositeKey.NULL)).isEqualTo("~null");
	}

	@Test
	void otherValuesRenderAsTheMarkAndTheirJson() {
		assertThat(this.renderer.render(new Point(1, 2))).isEqualTo("~{\"x\":1,\"y\":2}");
		assertThat(this.renderer.render(List.of("a", "b"))).isEqualTo("~[\"a\",\"b\"]");
	}

	@Test
	void keysThatWouldRenderAlikeWithoutTheSecondMarkDoNot() {
		List<Object> keys = List.of("a,b", new CompositeKey("a,b"), new CompositeKey("a", "b"), "~[\"a\",\"b\"]",
				CompositeKey.NULL, "~null", "null", CompositeKey.EMPTY, "~[]", "[]", new Point(1, 2),
				"~{\"x\":1,\"y\":2}", '~', "~", "~~");
		assertThat(keys.stream().map(this.renderer::render).distinct()).hasSameSizeAs(keys);
	}

	enum Color {

		RED,

		GREEN {
			@Override
			public String toString() {
				return "green";
			}
		};

		@Override
		public String toString() {
			return "red";
		}

	}

	record Point(int x, int y) {
	}

}
