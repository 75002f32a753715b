/**
 * The annotations that applications put on their methods:
 * {@link io.tiercache.annotation.Cached @Cached} caches a result in both tiers under
 * tags, and {@link io.tiercache.annotation.InvalidatesTags @InvalidatesTags} invalidates
 * tags in every process once a method (or its transaction) has completed. Most
 * applications see no other tiercache type, so this package imports nothing: no other
 * tiercache package and no Spring.
 */
@NullMarked
package io.tiercache.annotation;

import org.jspecify.annotations.NullMarked;
