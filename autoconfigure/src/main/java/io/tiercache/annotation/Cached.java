package io.tiercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the result of the annotated method in two tiers: a Caffeine cache in this
 * process (L1) and Redis shared by every process (L2).
 * <p>
 * An entry carries tags, and {@link InvalidatesTags @InvalidatesTags} (or the
 * programmatic API) invalidates every entry carrying a tag in constant time, however many
 * entries carry it. An entry loaded while a change to one of its tags was being committed
 * is never stored, so a reader cannot put an old value back after an invalidation.
 *
 * <pre class="code">
 * &#64;Cached(ttl = "10m", jitter = "10%", tags = {"'product:' + #id", "'category:' + #result.categoryId"})
 * public Product findProduct(long id) { ... }
 * </pre>
 *
 * Every attribute left at its default takes the value from {@code tiercache.*}
 * properties, and {@code tiercache.caches.<name>.*} overrides the attributes of the cache
 * with that name. Values are returned as they are held: callers must not mutate them.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface Cached {

	/**
	 * Name of the cache. Defaults to the simple name of the declaring class and the
	 * method name, such as {@code ProductService.findProduct}. Methods sharing a name
	 * share entries and per-cache settings, so they must declare the same return type.
	 * @return the cache name
	 */
	String name() default "";

	/**
	 * SpEL expression computing the key from the arguments ({@code #id}, {@code #p0},
	 * {@code #a0}, {@code #root.args}). Defaults to all arguments: the single argument
	 * itself, or all of them together, compared with {@code equals}.
	 * <p>
	 * Example: {@code key = "#user.id"}.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * Hard time to live of an entry, such as {@code "10m"}, {@code "30s"},
	 * {@code "PT1H"}. Defaults to {@code tiercache.default-ttl}. Must not exceed
	 * {@code tiercache.max-ttl}.
	 * @return the time to live
	 */
	String ttl() default "";

	/**
	 * Random amount taken off the time to live of each entry so that entries loaded
	 * together do not expire together: a duration ({@code "30s"}) or a percentage of the
	 * time to live ({@code "10%"}). Each entry lives between {@code ttl - jitter} and
	 * {@code ttl}. Defaults to {@code tiercache.default-jitter}.
	 * @return the jitter
	 */
	String jitter() default "";

	/**
	 * How long after its time to live an entry may still be returned, at once, while one
	 * background refresh loads the next value (for example {@code "30s"}). Invalidated
	 * entries are never returned, stale or not. Empty (the default) for never.
	 * @return the stale-while-revalidate window
	 */
	String staleWhileRevalidate() default "";

	/**
	 * SpEL templates of the tags of an entry. Each expression may use the arguments and
	 * {@code #result}, and may evaluate to a single value or to a collection or array of
	 * values (each one a tag). An expression that yields {@code null}, or a collection
	 * with a {@code null} in it, leaves the call uncached (logged and counted in
	 * {@code tiercache.expression.failures}): an entry missing a tag would outlive that
	 * tag's invalidation. Give an optional tag a fallback ({@code #region ?: 'none'}), or
	 * yield an empty collection ({@code #result == null ? {} : ...}) for no tag.
	 * <p>
	 * Example: {@code tags = {"'product:' + #id", "#result.![ 'category:' + categoryId
	 * ]"}}.
	 * @return the tag expressions
	 */
	String[] tags() default {};

	/**
	 * How long a {@code null} result (or an empty {@code Optional}) is cached. Empty (the
	 * default) means such results are not cached at all. Exceptions are never cached.
	 * @return the time to live of an absent value
	 */
	String nullTtl() default "";

	/**
	 * SpEL expression over the arguments that must be {@code true} for the call to use
	 * the cache at all. Empty means always.
	 * @return the condition expression
	 */
	String condition() default "";

	/**
	 * SpEL expression over the arguments and {@code #result} that vetoes storing a result
	 * when {@code true}. The result is still returned to the caller.
	 * @return the veto expression
	 */
	String unless() default "";

	/**
	 * Whether to keep entries in this process's Caffeine tier as well as in Redis.
	 * @return whether the local tier is used
	 */
	boolean local() default true;

}
