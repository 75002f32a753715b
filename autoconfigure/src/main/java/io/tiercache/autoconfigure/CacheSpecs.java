package io.tiercache.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.tiercache.autoconfigure.TierCacheProperties.CacheSpec;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * The {@code tiercache.caches.<name>} entries, by cache name. Boot binds a map of beans
 * by the first element after {@code tiercache.caches}, so that
 * {@code tiercache.caches.PriceService.quote.ttl} would bind no cache at all, while the
 * default cache names, {@code PriceService.quote}, have a dot in them: a name the bound
 * map lacks is looked up again as a property name of its own, which is how
 * {@code tiercache.caches.PriceService.quote.*} reaches the cache
 * {@code PriceService.quote}. The bracketed form,
 * {@code tiercache.caches[PriceService.quote].*}, is in the bound map and wins.
 */
final class CacheSpecs {

	static final String PREFIX = "tiercache.caches";

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);

	// As CacheSpec's properties are named in configuration
	private static final Set<String> SETTINGS = Set.of("ttl", "jitter", "null-ttl", "stale-while-revalidate", "local",
			"enabled");

	private final Map<String, CacheSpec> bound;

	private final @Nullable Environment environment;

	private final Map<String, Optional<CacheSpec>> looked = new ConcurrentHashMap<>();

	/**
	 * Create the entries of the bound properties only, as a test or an application
	 * binding them itself sees them.
	 * @param bound {@code tiercache.caches} as bound
	 */
	CacheSpecs(Map<String, CacheSpec> bound) {
		this(bound, null);
	}

	/**
	 * Create the entries of the bound properties and of the dotted names the environment
	 * holds.
	 * @param bound {@code tiercache.caches} as bound
	 * @param environment the environment bound, or {@code null} for the bound map only
	 */
	CacheSpecs(Map<String, CacheSpec> bound, @Nullable Environment environment) {
		this.bound = bound;
		this.environment = environment;
	}

	/**
	 * The entry of a cache.
	 * @param name the cache name
	 * @return its settings, or {@code null} if no property names the cache
	 */
	@Nullable CacheSpec get(String name) {
		CacheSpec spec = this.bound.get(name);
		if (spec != null || this.environment == null) {
			return spec;
		}
		return this.looked.computeIfAbsent(name, this::lookUp).orElse(null);
	}

	private Optional<CacheSpec> lookUp(String name) {
		return Binder.get(this.environment)
			.bind(propertyName(name), Bindable.of(CacheSpec.class))
			.map(Optional::of)
			.orElse(Optional.empty());
	}

	/**
	 * The property prefix of a cache's entry, as the application writes it.
	 * @param name the cache name
	 * @return such as {@code tiercache.caches.products} or
	 * {@code tiercache.caches[ProductService.find(long)]}
	 */
	String prefix(String name) {
		return bracketed(name) ? PREFIX + "[" + name + "]" : PREFIX + "." + name;
	}

	/**
	 * The name of every entry set: the keys of the bound map, and what stands between
	 * {@code tiercache.caches} and a setting in the other property names, such as
	 * {@code PriceService.quote}.
	 * @return the names, as written
	 */
	Set<String> names() {
		Set<String> names = new LinkedHashSet<>(this.bound.keySet());
		int first = ROOT.getNumberOfElements();
		for (ConfigurationPropertyName property : properties()) {
			boolean boundEntry = property.getNumberOfElements() == first + 2
					&& this.bound.containsKey(property.getElement(first, Form.ORIGINAL));
			if (!boundEntry) {
				names.add(written(property, first, Math.max(first + 1, property.getNumberOfElements() - 1)));
			}
		}
		return names;
	}

	/**
	 * Whether an entry of that name, as {@link #names()} gives it, sets something of the
	 * cache of another name: Boot's property names compare ignoring case and dashes.
	 * @param entry the entry
	 * @param cacheName the cache name
	 * @return whether the entry's settings apply to that cache
	 */
	boolean matches(String entry, String cacheName) {
		return entry.equals(cacheName) || (!bracketed(entry) && propertyName(entry).equals(propertyName(cacheName)));
	}

	// A bound key with a dot in it can only have come from tiercache.caches[name]
	private boolean bracketed(String name) {
		return name.indexOf('.') >= 0 && this.bound.containsKey(name);
	}

	/**
	 * The properties under {@code tiercache.caches} whose last element is no setting of a
	 * cache, such as {@code tiercache.caches.products.tll}: binding ignores them.
	 * @return their names as written
	 */
	Set<String> unknownSettings() {
		Set<String> unknown = new LinkedHashSet<>();
		for (ConfigurationPropertyName property : properties()) {
			if (property.getNumberOfElements() < ROOT.getNumberOfElements() + 2
					|| !SETTINGS.contains(property.getLastElement(Form.DASHED))) {
				unknown
					.add(PREFIX + "." + written(property, ROOT.getNumberOfElements(), property.getNumberOfElements()));
			}
		}
		return unknown;
	}

	private Set<ConfigurationPropertyName> properties() {
		Set<ConfigurationPropertyName> properties = new LinkedHashSet<>();
		if (this.environment != null) {
			for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
				if (source instanceof IterableConfigurationPropertySource iterable) {
					iterable.filter(ROOT::isAncestorOf).forEach(properties::add);
				}
			}
		}
		return properties;
	}

	// Elements from start to end as the application wrote them, joined by dots
	private static String written(ConfigurationPropertyName property, int start, int end) {
		StringBuilder written = new StringBuilder();
		for (int i = start; i < end; i++) {
			written.append((i > start) ? "." : "").append(property.getElement(i, Form.ORIGINAL));
		}
		return written.toString();
	}

	private static ConfigurationPropertyName propertyName(String cacheName) {
		return ConfigurationPropertyName.adapt(PREFIX + "." + cacheName, '.');
	}

}
