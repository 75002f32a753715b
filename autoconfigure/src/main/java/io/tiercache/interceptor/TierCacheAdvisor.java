package io.tiercache.interceptor;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.core.Ordered;

/**
 * Advisor that applies a {@link TierCacheInterceptor} to the methods matched by a
 * {@link TierCachePointcut}.
 * <p>
 * Its {@linkplain #DEFAULT_ORDER default order} puts it outside a default-ordered
 * {@code @Transactional} on the same method: a cached value is loaded and stored after
 * the loading transaction has completed, and an invalidation sees the method return after
 * its transaction has committed.
 *
 * @since 0.1.0
 */
public class TierCacheAdvisor extends AbstractPointcutAdvisor {

	/**
	 * Default order: higher precedence than transaction advice
	 * ({@link Ordered#LOWEST_PRECEDENCE}), so this advice runs around it.
	 */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final TierCachePointcut pointcut;

	private final TierCacheInterceptor interceptor;

	/**
	 * Create an advisor with the {@linkplain #DEFAULT_ORDER default order}.
	 * @param operationSource the source of operations, the same as the interceptor's
	 * @param interceptor the interceptor
	 */
	public TierCacheAdvisor(TierCacheOperationSource operationSource, TierCacheInterceptor interceptor) {
		this.pointcut = new TierCachePointcut(operationSource);
		this.interceptor = interceptor;
		setOrder(DEFAULT_ORDER);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	TierCacheOperationSource operationSource() {
		return this.pointcut.operationSource();
	}

	TierCacheInterceptor interceptor() {
		return this.interceptor;
	}

}
