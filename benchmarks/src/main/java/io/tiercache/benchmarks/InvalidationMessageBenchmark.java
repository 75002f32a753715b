package io.tiercache.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.tiercache.redis.InvalidationMessage;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What decoding one invalidation message costs a receiver, which decodes every message
 * published: {@code streamingDecode} is {@link InvalidationMessage#decode} (a stream of
 * tokens), {@code treeDecode} the same checks on a Jackson tree of the message, as the
 * decoder read it before. The body is what the invalidate script publishes for one tag.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@State(Scope.Benchmark)
public class InvalidationMessageBenchmark {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final byte[] body = ("{\"v\":1,\"e\":\"8f3a9c1d\",\"b\":\"1700000000000\",\"s\":\"1700000000042\","
			+ "\"o\":\"3f2c9a7e-5b1d-4c8e-9f0a-1b2c3d4e5f60\",\"t\":\"1767225600123456\",\"g\":[\"product:1234\"]}")
		.getBytes(StandardCharsets.UTF_8);

	@Setup
	public void check() {
		InvalidationMessage streamed = InvalidationMessage.decode(this.body);
		BenchmarkContext.check(streamed != null && streamed.equals(treeDecode()),
				"the two decoders disagree: " + streamed + " and " + treeDecode());
	}

	@Benchmark
	public @Nullable InvalidationMessage streamingDecode() {
		return InvalidationMessage.decode(this.body);
	}

	@Benchmark
	public @Nullable InvalidationMessage treeDecode() {
		JsonNode node = MAPPER.readTree(this.body);
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

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
