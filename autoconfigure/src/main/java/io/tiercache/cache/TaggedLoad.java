package io.tiercache.cache;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

import io.tiercache.store.CacheLoad;
import org.jspecify.annotations.Nullable;

/**
 * A load whose tags are all known before it runs.
 */
final class TaggedLoad implements CacheLoad {

	/**
	 * Returned by a {@link #lookup} load: nothing was found, and nothing is to be stored.
	 * It never leaves the bridge: a lookup is not {@linkplain #shared() shared}, so no
	 * other caller can be answered with it.
	 */
	static final Object NOT_FOUND = new Object();

	private final Collection<String> tags;

	private final Callable<?> loader;

	private final boolean shared;

	private boolean loaded;

	/**
	 * A load that computes the key's value: concurrent callers of the key may share it.
	 * @param tags the tags an entry of the key carries
	 * @param loader computes the value
	 */
	TaggedLoad(Collection<String> tags, Callable<?> loader) {
		this(tags, loader, true);
	}

	private TaggedLoad(Collection<String> tags, Callable<?> loader, boolean shared) {
		this.tags = tags;
		this.loader = loader;
		this.shared = shared;
	}

	/**
	 * A load that only looks: on a miss it answers {@link #NOT_FOUND}, which is not
	 * stored. Not shared: "nothing found" is no value for a caller that loads.
	 * @param tags the tags an entry of the key carries
	 * @return the load
	 */
	static TaggedLoad lookup(List<String> tags) {
		return new TaggedLoad(tags, () -> NOT_FOUND, false);
	}

	/**
	 * A load that stores a given value if the key has no valid entry (otherwise the store
	 * answers that entry). Not shared: the value is the caller's own, to be stored
	 * whatever another caller of the key is loading.
	 * @param tags the tags an entry of the key carries
	 * @param value the value to store, already adapted to the store ({@code NullValue})
	 * @return the load
	 */
	static TaggedLoad storing(List<String> tags, Object value) {
		return new TaggedLoad(tags, () -> value, false);
	}

	@Override
	public Collection<String> argumentTags() {
		return this.tags;
	}

	@Override
	public @Nullable Object load() throws Exception {
		Object value = this.loader.call();
		this.loaded = true;
		return value;
	}

	/** Whether the loader ran (the key had no valid entry). */
	boolean loaded() {
		return this.loaded;
	}

	@Override
	public Collection<String> resultTags(@Nullable Object result) {
		return List.of();
	}

	@Override
	public boolean isCacheable(@Nullable Object result) {
		return result != NOT_FOUND;
	}

	@Override
	public boolean shared() {
		return this.shared;
	}

}
