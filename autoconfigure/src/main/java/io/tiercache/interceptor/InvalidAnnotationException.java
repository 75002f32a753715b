package io.tiercache.interceptor;

/**
 * A {@link io.tiercache.annotation.Cached @Cached} or
 * {@link io.tiercache.annotation.InvalidatesTags @InvalidatesTags} annotation that cannot
 * work as written: what is wrong, on which method, and what to change. Thrown when the
 * method is parsed, so when its bean is created at startup, never when the method is
 * called; Spring Boot's failure analysis reports it with its action.
 *
 * @since 0.1.0
 */
public class InvalidAnnotationException extends IllegalStateException {

	private final String annotated;

	private final String problem;

	private final String action;

	/**
	 * Create an exception.
	 * @param annotated the annotation and its method, such as
	 * {@code @Cached on com.example.ProductService.findProduct(long)}
	 * @param problem what is wrong
	 * @param action what to change
	 */
	public InvalidAnnotationException(String annotated, String problem, String action) {
		super("Invalid " + annotated + ": " + problem);
		this.annotated = annotated;
		this.problem = problem;
		this.action = action;
	}

	/**
	 * The annotation and its method.
	 * @return such as {@code @Cached on com.example.ProductService.findProduct(long)}
	 */
	public String getAnnotated() {
		return this.annotated;
	}

	/**
	 * What is wrong.
	 * @return the problem
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * What to change.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
