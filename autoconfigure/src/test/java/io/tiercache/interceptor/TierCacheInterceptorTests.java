package io.tiercache.interceptor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.store.Jitter;
import io.tiercache.store.StoreErrorHandler;
import io.tiercache.store.TieredStore;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TierCacheInterceptor}, observing invalidations through the
 * {@link Invalidator} seam; calls that reach the store are tested with the store.
 */
class TierCacheInterceptorTests {

	private static final TierCacheDefaults defaults = new TierCacheDefaults(Duration.ofMinutes(10), Jitter.NONE,
			Duration.ofHours(1));

	private final List<List<String>> invalidations = new ArrayList<>();

	private final Invalidator recordingInvalidator = (tags) -> this.invalidations.add(List.copyOf(tags));

	private final EmbeddedDatabase database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
		.generateUniqueName(true)
		.build();

	private final TransactionTemplate transactionTemplate = new TransactionTemplate(
			new DataSourceTransactionManager(this.database));

	private final List<String> failures = new ArrayList<>();

	private final StoreErrorHandler recordingHandler = new StoreErrorHandler() {

		@Override
		public void handleRedisError(String operation, RuntimeException ex) {
			throw new AssertionError("No Redis here");
		}

		@Override
		public void handleCacheError(String cacheName, CacheFailure failure, Throwable ex) {
			throw new AssertionError("No store here");
		}

		@Override
		public void handleExpressionError(String source, String attribute, String expression,
				ExpressionConsequence consequence, RuntimeException ex) {
			TierCacheInterceptorTests.this.failures
				.add(source + " " + attribute + " " + expression + " " + consequence);
		}

	};

	private final ProductService service = proxy(new ProductService(), defaults, this.recordingInvalidator);

	@AfterEach
	void shutDownDatabase() {
		this.database.shutdown();
	}

	@Test
	void invalidatesTagsFromArgumentsWhenMethodReturns() {
		this.service.update(new Product(1, 7));
		assertThat(this.invalidations).containsExactly(List.of("product:1", "category:7"));
	}

	@Test
	void invalidatesTagsFromResult() {
		this.service.create("lamp");
		assertThat(this.invalidations).containsExactly(List.of("product:42"));
	}

	@Test
	void invalidatesEachElementOfCollectionValuedTag() {
		this.service.delete(List.of(1L, 2L));
		assertThat(this.invalidations).containsExactly(List.of("product:1", "product:2"));
	}

	@Test
	void invalidatesEachNonNullElementOfArrayValuedTag() {
		this.service.touch(new String[] { "a", null, "b" });
		assertThat(this.invalidations).containsExactly(List.of("a", "b"));
	}

	@Test
	void invalidatesNothingWhenEveryTagIsNull() {
		this.service.touch(new String[] { null });
		assertThat(this.invalidations).isEmpty();
	}

	@Test
	void invalidatesNothingWhenMethodThrows() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.service.reject(new Product(1, 7)));
		assertThat(this.invalidations).isEmpty();
	}

	@Test
	void invalidatesOnlyAfterCommitInsideTransaction() {
		this.transactionTemplate.executeWithoutResult((status) -> {
			this.service.update(new Product(1, 7));
			assertThat(this.invalidations).isEmpty();
		});
		assertThat(this.invalidations).containsExactly(List.of("product:1", "category:7"));
	}

	@Test
	void invalidatesNothingWhenTransactionRollsBack() {
		this.transactionTemplate.executeWithoutResult((status) -> {
			this.service.update(new Product(1, 7));
			status.setRollbackOnly();
		});
		assertThat(this.invalidations).isEmpty();
	}

	@Test
	void failingTagExpressionDoesNotReachCallerAndOtherTagsAreInvalidated() {
		assertThat(this.service.findOrNull(1)).isNull();
		assertThat(this.invalidations).containsExactly(List.of("all-products"));
		assertThat(this.failures).singleElement()
			.asString()
			.startsWith("@InvalidatesTags on " + ProductService.class.getName() + ".findOrNull(long) tag ")
			.endsWith("TAGS_NOT_INVALIDATED");
	}

	@Test
	void failingInvalidationDoesNotReachCaller() {
		List<List<String>> attempts = new ArrayList<>();
		ProductService service = proxy(new ProductService(), defaults, (tags) -> {
			attempts.add(List.copyOf(tags));
			throw new IllegalStateException("Redis is down");
		});
		assertThat(service.create("lamp")).isEqualTo(new Product(42, 7));
		assertThat(attempts).containsExactly(List.of("product:42"));
	}

	@Test
	void disabledCacheCallsMethodWithoutStore() {
		TierCacheDefaults disabled = new TierCacheDefaults(Duration.ofMinutes(10), Jitter.NONE, Duration.ofHours(1),
				(settings) -> settings.withEnabled(false));
		ProductService target = new ProductService();
		ProductService service = proxy(target, disabled, this.recordingInvalidator);
		assertThat(service.find(1)).isEqualTo(new Product(1, 7));
		assertThat(service.find(1)).isEqualTo(new Product(1, 7));
		assertThat(target.finds).hasValue(2);
	}

	@Test
	void falseConditionCallsMethodWithoutStore() {
		assertThat(this.service.findIfPositive(-1)).isEqualTo(new Product(-1, 7));
	}

	@Test
	void failingConditionCallsMethodWithoutStore() {
		assertThat(this.service.findFor(null)).isEqualTo(new Product(0, 7));
		assertThat(this.failures).singleElement()
			.asString()
			.startsWith("@Cached on " + ProductService.class.getName() + ".findFor(")
			.contains(" condition ")
			.endsWith("CALL_UNCACHED");
	}

	@Test
	void cachedMethodThatAlsoInvalidatesInvalidatesAfterItRuns() {
		assertThat(this.service.refresh(-1)).isEqualTo(new Product(-1, 7));
		assertThat(this.invalidations).containsExactly(List.of("product:-1"));
	}

	@Test
	void storeIsNotResolvedWhenInterceptorIsCreated() {
		AtomicInteger resolutions = new AtomicInteger();
		new TierCacheInterceptor(new TierCacheOperationSource(defaults), () -> {
			resolutions.incrementAndGet();
			return noStore();
		});
		assertThat(resolutions).hasValue(0);
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(T target, TierCacheDefaults defaults, Invalidator invalidator) {
		TierCacheOperationSource source = new TierCacheOperationSource(defaults);
		TierCacheInterceptor interceptor = new TierCacheInterceptor(source, TierCacheInterceptorTests::noStore,
				() -> this.recordingHandler, invalidator);
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new TierCacheAdvisor(source, interceptor));
		return (T) factory.getProxy();
	}

	private static TieredStore noStore() {
		throw new AssertionError("The store must not be used");
	}

	record Product(long id, long categoryId) {

	}

	static class ProductService {

		final AtomicInteger finds = new AtomicInteger();

		@Cached
		public Product find(long id) {
			this.finds.incrementAndGet();
			return new Product(id, 7);
		}

		@Cached(condition = "#id > 0")
		public Product findIfPositive(long id) {
			return new Product(id, 7);
		}

		@Cached(condition = "#product.id > 0")
		public Product findFor(@Nullable Product product) {
			return new Product(0, 7);
		}

		@Cached(condition = "#id > 0")
		@InvalidatesTags("'product:' + #id")
		public Product refresh(long id) {
			return new Product(id, 7);
		}

		@InvalidatesTags({ "'product:' + #product.id", "'category:' + #product.categoryId" })
		public void update(Product product) {
		}

		@InvalidatesTags("'product:' + #result.id")
		public Product create(String name) {
			return new Product(42, 7);
		}

		@InvalidatesTags("#ids.![ 'product:' + #this ]")
		public void delete(List<Long> ids) {
		}

		@InvalidatesTags("#tags")
		public void touch(@Nullable String[] tags) {
		}

		@InvalidatesTags("'product:' + #product.id")
		public void reject(Product product) {
			throw new IllegalArgumentException("rejected");
		}

		@InvalidatesTags({ "'product:' + #result.id", "'all-products'" })
		public @Nullable Product findOrNull(long id) {
			return null;
		}

	}

}
