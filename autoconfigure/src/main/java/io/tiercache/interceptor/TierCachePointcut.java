package io.tiercache.interceptor;

import java.lang.reflect.Method;

import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Matches the methods that have a tiercache operation. Its class filter parses every
 * method of a candidate class and of its interfaces, so that an invalid annotation fails
 * when the bean is created. Classes of the JDK and of Spring are skipped.
 *
 * @since 0.1.0
 */
public class TierCachePointcut extends StaticMethodMatcherPointcut {

	private final TierCacheOperationSource operationSource;

	/**
	 * Create a pointcut.
	 * @param operationSource the source of operations
	 */
	public TierCachePointcut(TierCacheOperationSource operationSource) {
		this.operationSource = operationSource;
		setClassFilter(operationSource::hasOperations);
	}

	TierCacheOperationSource operationSource() {
		return this.operationSource;
	}

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		return this.operationSource.hasOperations(method, targetClass);
	}

}
