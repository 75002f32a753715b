package io.tiercache.interceptor;

import org.jspecify.annotations.Nullable;

/**
 * The operations of one method of one target class.
 *
 * @param cached the {@code @Cached} operation, or {@code null}
 * @param invalidatesTags the {@code @InvalidatesTags} operation, or {@code null}
 */
record MethodOperations(@Nullable CachedOperation cached, @Nullable InvalidatesTagsOperation invalidatesTags) {

	/** The operations of a method with neither annotation. */
	static final MethodOperations NONE = new MethodOperations(null, null);

}
