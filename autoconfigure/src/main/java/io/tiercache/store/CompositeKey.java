package io.tiercache.store;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Cache key made of several values, such as the arguments of a method with several
 * parameters. Elements are compared with {@code equals}, arrays by content; the hash code
 * is computed once, since a key is hashed on every lookup.
 *
 * @since 0.1.0
 */
public final class CompositeKey {

	/** Key of a method without parameters. */
	public static final CompositeKey EMPTY = new CompositeKey();

	/**
	 * Key of a single {@code null} argument, or of a key expression that evaluates to
	 * {@code null}.
	 */
	public static final CompositeKey NULL = new CompositeKey((Object) null);

	private final @Nullable Object[] elements;

	private final int hashCode;

	/**
	 * Create a key of the given elements. The array is copied, so later changes to it do
	 * not change the key.
	 * @param elements the elements
	 */
	public CompositeKey(@Nullable Object... elements) {
		this.elements = elements.clone();
		this.hashCode = Arrays.deepHashCode(this.elements);
	}

	/**
	 * The elements of this key, in order.
	 * @return an unmodifiable view of the elements
	 */
	public List<@Nullable Object> elements() {
		return Collections.unmodifiableList(Arrays.asList(this.elements));
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (this == other) || (other instanceof CompositeKey that && this.hashCode == that.hashCode
				&& Arrays.deepEquals(this.elements, that.elements));
	}

	@Override
	public int hashCode() {
		return this.hashCode;
	}

	@Override
	public String toString() {
		return Arrays.deepToString(this.elements);
	}

}
