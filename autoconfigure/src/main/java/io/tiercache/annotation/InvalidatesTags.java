package io.tiercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Invalidates, in every process, every entry carrying one of the given tags once the
 * annotated method has completed.
 * <p>
 * Inside an active transaction the invalidation runs after the transaction commits, and
 * not at all if it rolls back; outside one it runs when the method returns normally. It
 * never runs when the method throws. The process that invalidates stops serving the old
 * values before the method returns to its caller; a failure to reach Redis never reaches
 * the caller (it is retried in the background, and meanwhile this process does not use
 * its local tier for those tags).
 *
 * <pre class="code">
 * &#64;Transactional
 * &#64;InvalidatesTags({"'product:' + #product.id", "'category:' + #product.categoryId"})
 * public void updatePrice(Product product, BigDecimal price) { ... }
 * </pre>
 *
 * @since 0.1.0
 */
@Target({ ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface InvalidatesTags {

	/**
	 * SpEL templates of the tags to invalidate. Each expression may use the arguments and
	 * {@code #result}, and may evaluate to a single value or to a collection or array of
	 * values. {@code null} values are ignored.
	 * @return the tag expressions
	 */
	String[] value();

}
