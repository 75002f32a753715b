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
	 */
	static final Object NOT_FOUND = new Object();

	private final Collection<String> tags;

	private final Callable<?> loader;

	private boolean loaded;

	TaggedLoad(Collection<String> tags, Callable<?> loader) {
		this.tags = tags;
		this.loader = loader;
	}

	/**
	 * A load that only looks: on a miss it answers {@link #NOT_FOUND}, which is not
	 * stored.
	 * @param tags the tags an entry of the key carries
	 * @return the load
	 */
	static TaggedLoad lookup(List<String> tags) {
		return new TaggedLoad(tags, () -> NOT_FOUND);
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

}
