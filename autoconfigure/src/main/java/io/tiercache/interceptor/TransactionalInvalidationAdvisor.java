package io.tiercache.interceptor;

import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.Ordered;

/**
 * Advisor that runs {@code @InvalidatesTags} from inside the method's own transaction, so
 * that the store's outbox can write the invalidation in that transaction before it
 * commits. It must be the innermost advice of the chain, inside transaction advice of any
 * order: a {@link TransactionalInvalidationPostProcessor} puts it there. The
 * {@link TierCacheAdvisor} around it skips the invocations it handled.
 *
 * @since 0.1.0
 */
public class TransactionalInvalidationAdvisor extends AbstractPointcutAdvisor {

	private final Pointcut pointcut;

	private final Advice advice;

	/**
	 * Create an advisor that works with the given {@link TierCacheAdvisor}.
	 * @param tierCacheAdvisor the advisor around it, whose operations and interceptor it
	 * shares
	 */
	public TransactionalInvalidationAdvisor(TierCacheAdvisor tierCacheAdvisor) {
		TierCacheOperationSource operationSource = tierCacheAdvisor.operationSource();
		TierCacheInterceptor interceptor = tierCacheAdvisor.interceptor();
		this.pointcut = new InvalidatesTagsPointcut(operationSource);
		this.advice = (MethodInterceptor) interceptor::invokeInside;
		setOrder(Ordered.LOWEST_PRECEDENCE);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

	/** Matches the methods with an {@code @InvalidatesTags} operation. */
	private static final class InvalidatesTagsPointcut extends StaticMethodMatcherPointcut {

		private final TierCacheOperationSource operationSource;

		InvalidatesTagsPointcut(TierCacheOperationSource operationSource) {
			this.operationSource = operationSource;
			setClassFilter(operationSource::hasOperations);
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return this.operationSource.getInvalidatesTagsOperation(method, targetClass) != null;
		}

	}

}
