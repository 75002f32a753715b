/**
 * Parsing of {@link io.tiercache.annotation.Cached @Cached} and
 * {@link io.tiercache.annotation.InvalidatesTags @InvalidatesTags} into immutable
 * operations, once per method and target class, and the advisor and interceptor that
 * apply them to proxied beans. Invalid annotations fail when the bean is created, not
 * when the method is first called. Of tiercache's packages it may use only
 * {@code io.tiercache.annotation} and {@code io.tiercache.store}.
 */
@NullMarked
package io.tiercache.interceptor;

import org.jspecify.annotations.NullMarked;
