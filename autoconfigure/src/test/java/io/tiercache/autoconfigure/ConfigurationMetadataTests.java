package io.tiercache.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.tiercache.autoconfigure.TierCacheProperties.CacheSpec;
import io.tiercache.interceptor.Durations;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated configuration metadata: every property has a description (what IDEs
 * show), every setting of a cache is described, values that can only be some have hints
 * listing them, and the README's properties table lists every property.
 */
class ConfigurationMetadataTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	// The processor describes a map of beans as the map alone (tiercache.caches, of
	// CacheSpec values): IntelliJ and Spring Boot Tools complete a cache's settings from
	// that type, but no metadata describes them. The additional metadata does, with "*"
	// for the cache name as Boot's own documentation writes any key of a map: the
	// processor merges such a name as it is, and a tool listing properties shows it with
	// its type and description.
	private static final String PER_CACHE = CacheSpecs.PREFIX + ".*.";

	@Test
	void everyPropertyHasADescription() throws IOException {
		List<String> undocumented = new ArrayList<>();
		for (JsonNode property : properties()) {
			JsonNode description = property.get("description");
			if (description == null || description.asString().isBlank()) {
				undocumented.add(property.get("name").asString());
			}
		}
		assertThat(properties()).hasSizeGreaterThan(15);
		assertThat(undocumented).as("properties without a description").isEmpty();
	}

	@Test
	void listsThePropertiesOfEveryFeature() throws IOException {
		List<String> names = names();
		assertThat(names).contains("tiercache.enabled", "tiercache.max-ttl", "tiercache.local.maximum-size",
				"tiercache.redis.breaker.open-duration", "tiercache.fanout.check-interval", "tiercache.caches",
				"tiercache.spring-cache.enabled", "tiercache.spring-cache.allow-null-values",
				"tiercache.spring-cache.trusted-packages", "management.health.tiercache.enabled");
	}

	@Test
	void theReadmeDocumentsEveryProperty() throws IOException {
		String readme = Files.readString(Path.of("../README.md"));
		List<String> missing = new ArrayList<>();
		for (String name : names()) {
			String documented = name.equals("tiercache.caches") ? "tiercache.caches.<name>."
					: name.replace(PER_CACHE, "tiercache.caches.<name>.");
			if (!name.startsWith("management.endpoint.") && !readme.contains("`" + documented)) {
				missing.add(name);
			}
		}
		assertThat(missing).as("properties missing from README.md").isEmpty();
	}

	@Test
	void theDefaultsShownToIdesAreTheDefaults() throws IOException {
		// The defaults live in StoreOptions, which the annotation processor cannot read,
		// so the additional metadata states them: binding what it states must give the
		// real defaults.
		Map<String, String> stated = new LinkedHashMap<>();
		for (JsonNode property : properties()) {
			String name = property.get("name").asString();
			JsonNode defaultValue = property.get("defaultValue");
			if (name.startsWith("tiercache.") && !name.startsWith(PER_CACHE) && defaultValue != null
					&& !defaultValue.isArray()) {
				stated.put(name, defaultValue.asString());
			}
		}
		assertThat(stated).containsKeys("tiercache.lease.timeout", "tiercache.redis.command-timeout",
				"tiercache.local.maximum-size", "tiercache.redis.max-value-size");
		TierCacheProperties bound = new Binder(new MapConfigurationPropertySource(stated))
			.bind("tiercache", TierCacheProperties.class)
			.get();
		assertThat(bound).usingRecursiveComparison().isEqualTo(new TierCacheProperties());
	}

	@Test
	void everySettingOfACacheIsDescribedForAnyCacheName() throws IOException {
		Map<String, String> settings = new LinkedHashMap<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(CacheSpec.class)) {
			if (descriptor.getWriteMethod() != null) {
				settings.put(PER_CACHE + DataObjectPropertyName.toDashedForm(descriptor.getName()),
						ClassUtils.resolvePrimitiveIfNecessary(descriptor.getPropertyType()).getName());
			}
		}
		Map<String, String> described = new LinkedHashMap<>();
		for (JsonNode property : properties()) {
			String name = property.get("name").asString();
			if (name.startsWith(PER_CACHE)) {
				described.put(name, property.get("type").asString());
				assertThat(property.get("sourceType").asString()).as(name).isEqualTo(CacheSpec.class.getName());
			}
		}
		assertThat(settings).hasSizeGreaterThanOrEqualTo(6);
		assertThat(described).as("per-cache properties and their types").isEqualTo(settings);
	}

	@Test
	void thePerCacheDefaultsShownToIdesAreTheDefaults() throws IOException {
		// A cache without an entry keeps its annotation's settings, otherwise the
		// defaults: stating a default for a setting an annotation can change would be
		// wrong, and binding a stated default under a cache name must change nothing
		Map<String, String> stated = new LinkedHashMap<>();
		for (JsonNode property : properties()) {
			String name = property.get("name").asString();
			if (name.startsWith(PER_CACHE) && property.get("defaultValue") != null) {
				stated.put(name.replace(PER_CACHE, CacheSpecs.PREFIX + ".products."),
						property.get("defaultValue").asString());
			}
		}
		assertThat(stated).containsOnlyKeys("tiercache.caches.products.enabled");
		TierCacheProperties bound = new Binder(new MapConfigurationPropertySource(stated))
			.bind("tiercache", TierCacheProperties.class)
			.get();
		assertThat(bound.getCaches()).containsOnlyKeys("products");
		CacheSettingsPolicy policy = new CacheSettingsPolicy(bound,
				new DefaultListableBeanFactory().getBeanProvider(TierCacheCustomizer.class));
		assertThat(policy.applySpec(policy.defaultSettings("products"))).isEqualTo(policy.defaultSettings("products"));
	}

	@Test
	void cacheNamesHaveAKeyHint() throws IOException {
		JsonNode hint = hint("tiercache.caches.keys");
		assertThat(hint).as("hint of tiercache.caches.keys").isNotNull();
		assertThat(providers(hint)).containsExactly("any");
		assertThat(property("tiercache.caches").get("description").asString()).contains("cache name", "products",
				"PriceService.quote");
	}

	@Test
	void everyEnumPropertyHintsItsConstants() throws IOException {
		Set<String> enums = new LinkedHashSet<>();
		for (JsonNode property : properties()) {
			String name = property.get("name").asString();
			JsonNode type = property.get("type");
			if (name.startsWith("tiercache.") && type != null && isEnum(type.asString())) {
				enums.add(name);
				Class<?> enumType = ClassUtils.resolveClassName(type.asString(), null);
				List<String> constants = Arrays.stream(enumType.getEnumConstants())
					.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
					.toList();
				assertThat(hintedValues(name)).as(name).containsExactlyElementsOf(constants);
				assertThat(providers(hint(name))).as(name).isEmpty();
			}
		}
		assertThat(enums).contains("tiercache.outbox.initialize-schema");
	}

	@Test
	void outboxPlatformHintsThePlatformsWithAScript() throws IOException {
		// Every root: the test classes have an io/tiercache/outbox too
		String pattern = TierCacheOutboxSchemaInitializer.SCHEMA_LOCATION.replace("classpath:", "classpath*:")
			.replace("@@platform@@", "*");
		List<String> platforms = new ArrayList<>();
		for (Resource script : new PathMatchingResourcePatternResolver().getResources(pattern)) {
			String filename = script.getFilename();
			platforms.add(filename.substring("schema-".length(), filename.length() - ".sql".length()));
		}
		assertThat(platforms).isNotEmpty();
		assertThat(hintedValues("tiercache.outbox.platform")).containsExactlyInAnyOrderElementsOf(platforms);
		assertThat(providers(hint("tiercache.outbox.platform"))).isEmpty();
	}

	@Test
	void jitterHintsExamplesThatAreJitters() throws IOException {
		List<String> examples = hintedValues("tiercache.default-jitter");
		assertThat(examples).contains("10%", "30s");
		assertThat(examples).allSatisfy(Durations::parseJitter);
		// Examples only: any jitter is allowed
		assertThat(providers(hint("tiercache.default-jitter"))).containsExactly("any");
	}

	private static boolean isEnum(String type) {
		return ClassUtils.isPresent(type, null) && ClassUtils.resolveClassName(type, null).isEnum();
	}

	private static List<String> hintedValues(String name) throws IOException {
		JsonNode hint = hint(name);
		assertThat(hint).as("hint of " + name).isNotNull();
		List<String> values = new ArrayList<>();
		for (JsonNode value : hint.path("values")) {
			JsonNode description = value.get("description");
			assertThat(description).as("description of " + name + "=" + value.get("value")).isNotNull();
			assertThat(description.asString()).as("description of " + name + "=" + value.get("value")).isNotBlank();
			values.add(value.get("value").asString());
		}
		return values;
	}

	private static List<String> providers(JsonNode hint) {
		List<String> providers = new ArrayList<>();
		hint.path("providers").forEach((provider) -> providers.add(provider.get("name").asString()));
		return providers;
	}

	private static @Nullable JsonNode hint(String name) throws IOException {
		for (JsonNode hint : metadata().get("hints")) {
			if (hint.get("name").asString().equals(name)) {
				return hint;
			}
		}
		return null;
	}

	private static JsonNode property(String name) throws IOException {
		for (JsonNode property : properties()) {
			if (property.get("name").asString().equals(name)) {
				return property;
			}
		}
		throw new AssertionError("No property " + name);
	}

	private static List<String> names() throws IOException {
		List<String> names = new ArrayList<>();
		for (JsonNode property : properties()) {
			names.add(property.get("name").asString());
		}
		return names;
	}

	private static List<JsonNode> properties() throws IOException {
		List<JsonNode> properties = new ArrayList<>();
		metadata().get("properties").forEach(properties::add);
		return properties;
	}

	private static JsonNode metadata() throws IOException {
		assertThat(METADATA).as("generated by spring-boot-configuration-processor").exists();
		return JsonMapper.shared().readTree(Files.readString(METADATA));
	}

}
