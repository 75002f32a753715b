package io.tiercache.interceptor;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.tiercache.store.CompositeKey;
import io.tiercache.store.TieredCache;
import io.tiercache.store.LoggingStoreErrorHandler;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.StoreErrorHandler.ExpressionConsequence;
import io.tiercache.store.TieredStore;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.Expression;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Applies {@link CachedOperation} and {@link InvalidatesTagsOperation} to method
 * invocations.
 * <p>
 * {@code @Cached}: a hit in the local tier costs two map lookups, the key (the argument
 * itself for a method of one parameter) and the store's allocation-free lookup. On a miss
 * the store loads through the method and stores the result if it is still valid. A method
 * whose cache is disabled, or whose {@code condition} is false, is invoked directly.
 * <p>
 * {@code @InvalidatesTags}: once the method has returned normally, its tags are
 * invalidated; inside an active transaction only after the transaction commits, and not
 * at all if it rolls back. The advisor runs outside a default-ordered
 * {@code @Transactional} on the same method, so that transaction has committed by then. A
 * method that is also {@code @Cached} invalidates only when its body ran, since a hit
 * changed nothing.
 * <p>
 * With the store's outbox ({@code tiercache.outbox.enabled}), an invalidation must be
 * written inside the transaction, before it commits: a
 * {@link TransactionalInvalidationAdvisor} then runs {@code @InvalidatesTags} from the
 * innermost place of the proxy's chain, inside the method's own {@code @Transactional},
 * and this advice, around it, leaves the invocations it handled alone.
 * <p>
 * An expression that fails at run time never reaches the caller: the call goes to the
 * method without the cache, or the tags of that expression are not invalidated, and the
 * failure is logged (an error for a skipped invalidation). Writing to the outbox is the
 * exception: it is part of the caller's transaction, and a failure to write rolls it
 * back, as a failure of any of its own statements would.
 *
 * @since 0.1.0
 */
public class TierCacheInterceptor implements MethodInterceptor, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(TierCacheInterceptor.class);

	/**
	 * User attribute of an invocation whose {@code @InvalidatesTags} the advice inside
	 * the transaction has handled.
	 */
	private static final String INVALIDATED_INSIDE = TierCacheInterceptor.class.getName() + ".invalidatedInside";

	private static final boolean transactionSupportPresent = ClassUtils.isPresent(
			"org.springframework.transaction.support.TransactionSynchronizationManager",
			TierCacheInterceptor.class.getClassLoader());

	private final TierCacheOperationSource operationSource;

	private final SingletonSupplier<TieredStore> store;

	private final Invalidator invalidator;

	private final SingletonSupplier<StoreErrorHandler> errorHandler;

	// Not memoized: a failure before the application's observer exists must not keep
	// later ones from being counted
	private final Supplier<StoreObserver> observer;

	// Per target class, then per method: no key object is allocated on the hot path
	private final Map<Class<?>, Map<Method, InterceptedMethod>> interceptedMethods = new ConcurrentHashMap<>(64);

	private @Nullable BeanResolver beanResolver;

	/**
	 * Create an interceptor.
	 * @param operationSource the source of operations
	 * @param store supplies the store on the first call that needs it, so that creating
	 * the interceptor does not create the store
	 */
	public TierCacheInterceptor(TierCacheOperationSource operationSource, Supplier<TieredStore> store) {
		this(operationSource, store, LoggingStoreErrorHandler::new);
	}

	/**
	 * Create an interceptor.
	 * @param operationSource the source of operations
	 * @param store supplies the store on the first call that needs it, so that creating
	 * the interceptor does not create the store
	 * @param errorHandler supplies, on the first failure, where expressions that fail at
	 * run time are reported
	 */
	public TierCacheInterceptor(TierCacheOperationSource operationSource, Supplier<TieredStore> store,
			Supplier<StoreErrorHandler> errorHandler) {
		this(operationSource, store, errorHandler, () -> StoreObserver.NONE, null);
	}

	/**
	 * Create an interceptor.
	 * @param operationSource the source of operations
	 * @param store supplies the store on the first call that needs it, so that creating
	 * the interceptor does not create the store
	 * @param errorHandler supplies, on the first failure, where expressions that fail at
	 * run time are reported
	 * @param observer supplies, on each failure, where those failures are counted
	 * ({@link StoreObserver#expressionFailed})
	 * @since 0.1.0
	 */
	public TierCacheInterceptor(TierCacheOperationSource operationSource, Supplier<TieredStore> store,
			Supplier<StoreErrorHandler> errorHandler, Supplier<StoreObserver> observer) {
		this(operationSource, store, errorHandler, observer, null);
	}

	/**
	 * Create an interceptor.
	 * @param operationSource the source of operations
	 * @param store supplies the store on the first call that needs it
	 * @param errorHandler supplies where expressions that fail at run time are reported
	 * @param invalidator where invalidations go, or {@code null} for the store; tests
	 * pass their own to observe them
	 */
	TierCacheInterceptor(TierCacheOperationSource operationSource, Supplier<TieredStore> store,
			Supplier<StoreErrorHandler> errorHandler, @Nullable Invalidator invalidator) {
		this(operationSource, store, errorHandler, () -> StoreObserver.NONE, invalidator);
	}

	private TierCacheInterceptor(TierCacheOperationSource operationSource, Supplier<TieredStore> store,
			Supplier<StoreErrorHandler> errorHandler, Supplier<StoreObserver> observer,
			@Nullable Invalidator invalidator) {
		this.operationSource = operationSource;
		this.store = SingletonSupplier.of(store);
		this.errorHandler = SingletonSupplier.of(errorHandler);
		this.observer = observer;
		this.invalidator = (invalidator != null) ? invalidator : new StoreInvalidator(this.store);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanResolver = new BeanFactoryResolver(beanFactory);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		Object target = invocation.getThis();
		// The class the proxy creator matched, so that lookups hit what the pointcut
		// parsed
		Class<?> targetClass = (target != null) ? target.getClass() : method.getDeclaringClass();
		InterceptedMethod intercepted = getInterceptedMethod(method, targetClass);
		CachedOperation cached = intercepted.cached;
		InvalidatesTagsOperation invalidatesTags = intercepted.invalidatesTags;
		if (invalidatesTags == null) {
			return (cached != null) ? invokeCached(invocation, targetClass, intercepted, cached) : invocation.proceed();
		}
		ProceedTrackingInvocation tracking = new ProceedTrackingInvocation(invocation);
		Object result = (cached != null) ? invokeCached(tracking, targetClass, intercepted, cached)
				: tracking.proceed();
		if (tracking.proceeded && !invalidatedInside(invocation)) {
			invalidate(invocation, targetClass, intercepted, invalidatesTags, result);
		}
		return result;
	}

	/**
	 * Run {@code @InvalidatesTags} from inside the method's transaction, for a
	 * {@link TransactionalInvalidationAdvisor} at the innermost place of the chain: the
	 * tags are evaluated once the method has returned, before the transaction commits, so
	 * that the outbox can write them in it.
	 * @param invocation the invocation
	 * @return what the method returned
	 * @throws Throwable what the method threw
	 */
	@Nullable Object invokeInside(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? target.getClass() : method.getDeclaringClass();
		InterceptedMethod intercepted = getInterceptedMethod(method, targetClass);
		InvalidatesTagsOperation invalidatesTags = intercepted.invalidatesTags;
		// Only an invocation that this advice can mark as handled: otherwise the outer
		// advice invalidates, as it does without an outbox
		if (invalidatesTags == null || !(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
			return invocation.proceed();
		}
		proxyInvocation.setUserAttribute(INVALIDATED_INSIDE, Boolean.TRUE);
		Object result = invocation.proceed();
		invalidate(invocation, targetClass, intercepted, invalidatesTags, result);
		return result;
	}

	private static boolean invalidatedInside(MethodInvocation invocation) {
		return invocation instanceof ProxyMethodInvocation proxyInvocation
				&& proxyInvocation.getUserAttribute(INVALIDATED_INSIDE) != null;
	}

	private InterceptedMethod getInterceptedMethod(Method method, Class<?> targetClass) {
		Map<Method, InterceptedMethod> methods = this.interceptedMethods.get(targetClass);
		InterceptedMethod intercepted = (methods != null) ? methods.get(method) : null;
		if (intercepted == null) {
			// A method without operations is cached too: invoke() lets it proceed
			intercepted = new InterceptedMethod(this.operationSource.getOperations(method, targetClass),
					this.errorHandler, this.observer);
			InterceptedMethod existing = this.interceptedMethods
				.computeIfAbsent(targetClass, (key) -> new ConcurrentHashMap<>())
				.putIfAbsent(method, intercepted);
			intercepted = (existing != null) ? existing : intercepted;
		}
		return intercepted;
	}

	private @Nullable Object invokeCached(MethodInvocation invocation, Class<?> targetClass,
			InterceptedMethod intercepted, CachedOperation operation) throws Throwable {
		if (!operation.settings().enabled()) {
			return invocation.proceed();
		}
		@Nullable Object[] args = invocation.getArguments();
		InvocationEvaluation evaluation = null;
		if (operation.needsEvaluationBeforeLookup()) {
			evaluation = createEvaluation(operation.method(), invocation, targetClass);
			if (!isConditionPassing(operation, evaluation, intercepted)) {
				return invocation.proceed();
			}
		}
		Object key;
		try {
			key = operation.generateKey(args, evaluation);
		}
		catch (RuntimeException ex) {
			Expression keyExpression = operation.keyExpression();
			if (keyExpression == null) {
				throw ex;
			}
			intercepted.cachedFailures().cacheSkipped("key", keyExpression, ExpressionConsequence.CALL_UNCACHED, ex);
			return invocation.proceed();
		}
		Expression keyExpression = operation.keyExpression();
		if (key == CompositeKey.NULL && keyExpression != null) {
			// A key that names nothing (#query.id of an unsaved query) would serve one
			// entry to every such call
			intercepted.cachedFailures().cacheNull("key", keyExpression, ExpressionConsequence.NULL_KEY);
			return invocation.proceed();
		}
		TieredCache cache = intercepted.getCache(operation, this.store);
		Object value = cache.getLocal(key);
		if (value != TieredCache.MISS) {
			return operation.async() ? CompletableFuture.completedFuture(value) : value;
		}
		if (evaluation == null) {
			evaluation = createEvaluation(operation.method(), invocation, targetClass);
		}
		Collection<String> argumentTags = evaluateArgumentTags(operation, evaluation, intercepted);
		if (argumentTags == null) {
			return invocation.proceed();
		}
		InvocationCacheLoad load = new InvocationCacheLoad(operation, invocation, evaluation, argumentTags,
				intercepted.cachedFailures());
		return operation.async() ? cache.getAsync(key, load) : cache.get(key, load);
	}

	private boolean isConditionPassing(CachedOperation operation, InvocationEvaluation evaluation,
			InterceptedMethod intercepted) {
		Expression condition = operation.condition();
		if (condition == null) {
			return true;
		}
		try {
			return evaluation.isTrue(condition);
		}
		catch (RuntimeException ex) {
			intercepted.cachedFailures().cacheSkipped("condition", condition, ExpressionConsequence.CALL_UNCACHED, ex);
			return false;
		}
	}

	private @Nullable Collection<String> evaluateArgumentTags(CachedOperation operation,
			InvocationEvaluation evaluation, InterceptedMethod intercepted) {
		// Every entry carries its cache's tag, so that the cache can be cleared
		// everywhere
		if (operation.argumentTagExpressions().isEmpty()) {
			return Collections.singletonList(operation.cacheTag());
		}
		Set<String> tags = new LinkedHashSet<>();
		tags.add(operation.cacheTag());
		for (Expression expression : operation.argumentTagExpressions()) {
			try {
				if (evaluation.addTags(expression, tags)) {
					// An entry without that tag would outlive the tag's invalidation.
					intercepted.cachedFailures()
						.cacheNull("tag", expression, ExpressionConsequence.NULL_TAG_CALL_UNCACHED);
					return null;
				}
			}
			catch (RuntimeException ex) {
				intercepted.cachedFailures().cacheSkipped("tag", expression, ExpressionConsequence.CALL_UNCACHED, ex);
				return null;
			}
		}
		return tags;
	}

	private void invalidate(MethodInvocation invocation, Class<?> targetClass, InterceptedMethod intercepted,
			InvalidatesTagsOperation operation, @Nullable Object result) {
		InvocationEvaluation evaluation = createEvaluation(operation.method(), invocation, targetClass);
		Set<String> tags = new LinkedHashSet<>();
		for (Expression expression : operation.tagExpressions()) {
			try {
				if (evaluation.addTags(expression, result, tags)) {
					intercepted.invalidationFailures().invalidationNullSkipped(expression);
				}
			}
			catch (RuntimeException ex) {
				// The other tags are still invalidated: invalidating more is always safe
				intercepted.invalidationFailures().invalidationSkipped(expression, ex);
			}
		}
		if (tags.isEmpty()) {
			return;
		}
		// Inside a transaction, before it commits, with an outbox: written in it, and
		// invalidated once it commits. A failure to write propagates, so that the
		// transaction does not commit a change whose invalidation could be lost.
		if (transactionSupportPresent && this.invalidator.invalidateOnCommit(tags)) {
			return;
		}
		if (!transactionSupportPresent || !TransactionSupport.runAfterCommit(() -> invalidateNow(tags))) {
			invalidateNow(tags);
		}
	}

	private void invalidateNow(Set<String> tags) {
		try {
			this.invalidator.invalidate(tags);
		}
		catch (RuntimeException ex) {
			// The caller's business operation has completed: a failure must not undo its
			// success
			logger.error("Invalidation of tags " + tags + " failed", ex);
		}
	}

	private InvocationEvaluation createEvaluation(Method method, MethodInvocation invocation, Class<?> targetClass) {
		return new InvocationEvaluation(method, invocation.getArguments(), invocation.getThis(), targetClass,
				this.beanResolver);
	}

	/**
	 * The operations of one method of one target class, with what is resolved on their
	 * first use.
	 */
	private static final class InterceptedMethod {

		private final @Nullable CachedOperation cached;

		private final @Nullable InvalidatesTagsOperation invalidatesTags;

		private final @Nullable ExpressionFailures cachedFailures;

		private final @Nullable ExpressionFailures invalidationFailures;

		private volatile @Nullable TieredCache cache;

		InterceptedMethod(MethodOperations operations, Supplier<StoreErrorHandler> errorHandler,
				Supplier<StoreObserver> observer) {
			this.cached = operations.cached();
			this.invalidatesTags = operations.invalidatesTags();
			this.cachedFailures = (this.cached != null)
					? new ExpressionFailures(this.cached.method(), errorHandler, observer) : null;
			this.invalidationFailures = (this.invalidatesTags != null)
					? new ExpressionFailures(this.invalidatesTags.method(), errorHandler, observer) : null;
		}

		ExpressionFailures cachedFailures() {
			return Objects.requireNonNull(this.cachedFailures);
		}

		ExpressionFailures invalidationFailures() {
			return Objects.requireNonNull(this.invalidationFailures);
		}

		TieredCache getCache(CachedOperation operation, SingletonSupplier<TieredStore> store) {
			TieredCache cache = this.cache;
			if (cache == null) {
				// A race resolves the same cache twice: the store returns one cache per
				// name
				cache = store.obtain().cache(operation.settings(), operation.valueType(), operation.keyRenderer());
				this.cache = cache;
			}
			return cache;
		}

	}

	/** The production {@link Invalidator}: the store, resolved on first use. */
	private static final class StoreInvalidator implements Invalidator {

		private final SingletonSupplier<TieredStore> store;

		StoreInvalidator(SingletonSupplier<TieredStore> store) {
			this.store = store;
		}

		@Override
		public void invalidate(Collection<String> tags) {
			this.store.obtain().invalidate(tags);
		}

		@Override
		public boolean invalidateOnCommit(Collection<String> tags) {
			return this.store.obtain().invalidateOnCommit(tags);
		}

	}

	/**
	 * Records whether the method body ran, which decides whether a method that is both
	 * {@code @Cached} and {@code @InvalidatesTags} invalidates.
	 */
	private static final class ProceedTrackingInvocation implements MethodInvocation {

		private final MethodInvocation delegate;

		private boolean proceeded;

		ProceedTrackingInvocation(MethodInvocation delegate) {
			this.delegate = delegate;
		}

		@Override
		public Method getMethod() {
			return this.delegate.getMethod();
		}

		@Override
		public @Nullable Object[] getArguments() {
			return this.delegate.getArguments();
		}

		@Override
		public @Nullable Object proceed() throws Throwable {
			Object result = this.delegate.proceed();
			this.proceeded = true;
			return result;
		}

		@Override
		public @Nullable Object getThis() {
			return this.delegate.getThis();
		}

		@Override
		public AccessibleObject getStaticPart() {
			return this.delegate.getStaticPart();
		}

	}

}
