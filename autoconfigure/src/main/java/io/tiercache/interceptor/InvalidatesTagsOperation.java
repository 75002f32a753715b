package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.util.List;

import org.springframework.expression.Expression;

/**
 * What {@link io.tiercache.annotation.InvalidatesTags @InvalidatesTags} asks of one
 * method of one target class, parsed once.
 *
 * @param method the method that declares the annotation, whose parameter names the
 * expressions use
 * @param targetClass the class whose instances the method is invoked on
 * @param tagExpressions the parsed tag expressions, which may use {@code #result}
 * @since 0.1.0
 */
public record InvalidatesTagsOperation(Method method, Class<?> targetClass, List<Expression> tagExpressions) {

	public InvalidatesTagsOperation {
		tagExpressions = List.copyOf(tagExpressions);
	}

}
