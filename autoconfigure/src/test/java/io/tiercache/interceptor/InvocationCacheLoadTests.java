package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.tiercache.annotation.Cached;
import io.tiercache.store.Jitter;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.store.StoreObserver;
import io.tiercache.store.StoreErrorHandler.ExpressionConsequence;
import org.aopalliance.intercept.MethodInvocation;
import org.junit.jupiter.api.Test;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link InvocationCacheLoad}.
 */
class InvocationCacheLoadTests {

	private final TierCacheOperationSource source = new TierCacheOperationSource(
			new TierCacheDefaults(Duration.ofMinutes(10), Jitter.NONE, Duration.ofHours(1)));

	private final MethodInvocation invocation = mock();

	private final StoreErrorHandler errorHandler = mock();

	@Test
	void loadProceedsWithInvocation() throws Throwable {
		given(this.invocation.proceed()).willReturn(new Product(7, 3));
		assertThat(load("find", 7L).load()).isEqualTo(new Product(7, 3));
	}

	@Test
	void argumentTagsAreThoseEvaluatedBeforeTheCall() {
		assertThat(load("find", 7L, List.of("product:7")).argumentTags()).containsExactly("product:7");
	}

	@Test
	void resultTagsComeFromResult() {
		InvocationCacheLoad load = load("find", 7L);
		assertThat(load.resultTags(new Product(7, 3))).containsExactly("category:3");
		assertThat(load.isCacheable(new Product(7, 3))).isTrue();
	}

	@Test
	void resultTagsOfOptionalUseItsValue() {
		InvocationCacheLoad load = load("findOptional", 7L);
		assertThat(load.resultTags(Optional.of(new Product(7, 3)))).containsExactly("category:3");
	}

	@Test
	void methodWithoutResultTagsHasNone() {
		InvocationCacheLoad load = load("findByName", "lamp");
		assertThat(load.resultTags(new Product(7, 3))).isEmpty();
		assertThat(load.isCacheable(new Product(7, 3))).isTrue();
	}

	@Test
	void unlessTrueMakesResultNotCacheable() {
		InvocationCacheLoad load = load("findByName", "lamp");
		assertThat(load.isCacheable(new Product(0, 3))).isFalse();
		assertThat(load.isCacheable(new Product(1, 3))).isTrue();
	}

	@Test
	void resultWhoseTagsFailIsNotCacheable() {
		InvocationCacheLoad load = load("find", 7L);
		assertThat(load.resultTags(null)).isEmpty();
		assertThat(load.isCacheable(null)).isFalse();
		then(this.errorHandler).should()
			.handleExpressionError(contains(".find(long)"), eq("tag"), eq("'category:' + #result.categoryId"),
					eq(ExpressionConsequence.RESULT_NOT_CACHED), any(RuntimeException.class));
	}

	@Test
	void resultWhoseUnlessFailsIsNotCacheable() {
		InvocationCacheLoad load = load("findByName", "lamp");
		assertThat(load.isCacheable(null)).isFalse();
	}

	private InvocationCacheLoad load(String name, Object argument) {
		return load(name, argument, List.of());
	}

	private InvocationCacheLoad load(String name, Object argument, List<String> argumentTags) {
		Method method = ReflectionUtils.findMethod(ProductService.class, name, null);
		CachedOperation operation = this.source.getCachedOperation(method, ProductService.class);
		InvocationEvaluation evaluation = new InvocationEvaluation(operation.method(), new Object[] { argument },
				new ProductService(), ProductService.class, null);
		return new InvocationCacheLoad(operation, this.invocation, evaluation, argumentTags,
				new ExpressionFailures(operation.method(), () -> this.errorHandler, () -> StoreObserver.NONE));
	}

	record Product(long id, long categoryId) {

	}

	static class ProductService {

		@Cached(tags = { "'product:' + #id", "'category:' + #result.categoryId" })
		public Product find(long id) {
			return new Product(id, 3);
		}

		@Cached(tags = "'category:' + #result.categoryId")
		public Optional<Product> findOptional(long id) {
			return Optional.of(new Product(id, 3));
		}

		@Cached(tags = "'name:' + #name", unless = "#result.id == 0")
		public Product findByName(String name) {
			return new Product(1, 3);
		}

	}

}
