package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

import org.springframework.core.ResolvableType;

/**
 * Resolves the type of the values a {@code @Cached} method stores, and of its parameters,
 * against the class it is invoked on.
 */
final class ValueTypes {

	private ValueTypes() {
	}

	/**
	 * The return type with its type variables resolved against the target class. Every
	 * parameterized type is rebuilt, so that value types compare and hash consistently.
	 */
	static Type resolveValueType(Method method, Class<?> targetClass) {
		return toType(ResolvableType.forMethodReturnType(method, targetClass));
	}

	/** The {@code T} of a method returning {@code CompletableFuture<T>}. */
	static Type resolveFutureValueType(Method method, Class<?> targetClass) {
		ResolvableType value = ResolvableType.forMethodReturnType(method, targetClass).getGeneric(0);
		return (value == ResolvableType.NONE) ? Object.class : toType(value);
	}

	/** A parameter's type with its type variables resolved against the target class. */
	static Type resolveParameterType(Method method, int index, Class<?> targetClass) {
		return toType(ResolvableType.forMethodParameter(method, index, targetClass));
	}

	private static Type toType(ResolvableType type) {
		Class<?> rawType = type.toClass();
		if (type.isArray() || !type.hasGenerics()) {
			return rawType;
		}
		ResolvableType[] generics = type.getGenerics();
		ResolvableType[] resolved = new ResolvableType[generics.length];
		for (int i = 0; i < generics.length; i++) {
			resolved[i] = ResolvableType.forType(toType(generics[i]));
		}
		return ResolvableType.forClassWithGenerics(rawType, resolved).getType();
	}

}
