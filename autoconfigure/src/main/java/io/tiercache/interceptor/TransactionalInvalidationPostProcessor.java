package io.tiercache.interceptor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;

/**
 * Appends a {@link TransactionalInvalidationAdvisor} to every proxy that the auto-proxy
 * creator gave a {@link TierCacheAdvisor} and that has {@code @InvalidatesTags} methods,
 * as the last advisor of its chain: the innermost advice, inside the proxy's transaction
 * advice whatever their orders.
 * <p>
 * An order cannot do this: transaction advice has the lowest precedence by default, and
 * advice of equal order runs in no defined order. Appending to the existing proxy, as
 * Spring's {@code AbstractAdvisingBeanPostProcessor} does, needs this post-processor to
 * run after the auto-proxy creator, which has the highest precedence. A bean whose
 * transaction is begun by another proxy inside this one (a Spring Data repository's own
 * proxy) keeps invalidating after that transaction, without the outbox, unless it is
 * called inside a transaction of its caller.
 *
 * @since 0.1.0
 */
public class TransactionalInvalidationPostProcessor implements BeanPostProcessor, Ordered {

	private final Map<TierCacheAdvisor, TransactionalInvalidationAdvisor> advisors = new ConcurrentHashMap<>(2);

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof Advised advised) || advised.isFrozen() || bean instanceof AopInfrastructureBean) {
			return bean;
		}
		TierCacheAdvisor tierCacheAdvisor = null;
		for (Advisor advisor : advised.getAdvisors()) {
			if (advisor instanceof TransactionalInvalidationAdvisor) {
				return bean;
			}
			if (advisor instanceof TierCacheAdvisor candidate) {
				tierCacheAdvisor = candidate;
			}
		}
		if (tierCacheAdvisor != null) {
			TransactionalInvalidationAdvisor inner = this.advisors.computeIfAbsent(tierCacheAdvisor,
					TransactionalInvalidationAdvisor::new);
			if (AopUtils.canApply(inner, AopUtils.getTargetClass(bean))) {
				advised.addAdvisor(inner);
			}
		}
		return bean;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
