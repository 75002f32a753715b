package io.tiercache.interceptor;

import io.tiercache.store.CompositeKey;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.store.CacheSettings;
import io.tiercache.store.Jitter;
import org.junit.jupiter.api.Test;

import org.springframework.core.ResolvableType;
import org.springframework.data.repository.CrudRepository;
import org.springframework.expression.Expression;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link TierCacheOperationSource}, without an application context.
 */
class TierCacheOperationSourceTests {

	private static final TierCacheDefaults defaults = new TierCacheDefaults(Duration.ofMinutes(10),
			Jitter.ofPercent(10), Duration.ofHours(1));

	private final TierCacheOperationSource source = new TierCacheOperationSource(defaults);

	@Test
	void unsetAttributesTakeDefaults() {
		CachedOperation operation = cachedOperation(ProductService.class, "findProduct", long.class);
		assertThat(operation.settings()).isEqualTo(new CacheSettings("ProductService.findProduct",
				Duration.ofMinutes(10), Jitter.ofPercent(10), null, true, true));
	}

	@Test
	void attributesReplaceDefaults() {
		CachedOperation operation = cachedOperation(ProductService.class, "findByName", String.class);
		assertThat(operation.settings()).isEqualTo(new CacheSettings("products-by-name", Duration.ofSeconds(30),
				Jitter.of(Duration.ofSeconds(5)), Duration.ofMinutes(1), false, true));
	}

	@Test
	void overridesApplyAfterAnnotationAttributes() {
		TierCacheOperationSource source = new TierCacheOperationSource(new TierCacheDefaults(Duration.ofMinutes(10),
				Jitter.NONE, Duration.ofHours(1), (settings) -> settings.name().equals("products-by-name")
						? settings.withTtl(Duration.ofMinutes(20)).withEnabled(false) : settings));
		CacheSettings settings = cachedOperation(source, ProductService.class, "findByName", String.class).settings();
		assertThat(settings.ttl()).isEqualTo(Duration.ofMinutes(20));
		assertThat(settings.enabled()).isFalse();
		assertThat(settings.jitter()).isEqualTo(Jitter.of(Duration.ofSeconds(5)));
		assertThat(cachedOperation(source, ProductService.class, "findProduct", long.class).settings().ttl())
			.isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void overriddenSettingsAreValidated() {
		TierCacheOperationSource source = new TierCacheOperationSource(new TierCacheDefaults(Duration.ofMinutes(10),
				Jitter.NONE, Duration.ofHours(1), (settings) -> settings.withTtl(Duration.ofHours(2))));
		assertThatIllegalStateException()
			.isThrownBy(() -> cachedOperation(source, ProductService.class, "findProduct", long.class))
			.withMessage("Invalid @Cached on " + ProductService.class.getName() + ".findProduct(long)"
					+ " of cache 'ProductService.findProduct': ttl PT2H exceeds tiercache.max-ttl PT1H"
					+ " (ttl from the per-cache overrides)");
	}

	@Test
	void overriddenStaleWhileRevalidateIsValidatedWithTheTtl() {
		TierCacheOperationSource source = new TierCacheOperationSource(
				new TierCacheDefaults(Duration.ofMinutes(10), Jitter.NONE, Duration.ofHours(1),
						(settings) -> settings.withStaleWhileRevalidate(Duration.ofMinutes(55))));
		assertThatIllegalStateException()
			.isThrownBy(() -> cachedOperation(source, ProductService.class, "findProduct", long.class))
			.withMessage("Invalid @Cached on " + ProductService.class.getName() + ".findProduct(long)"
					+ " of cache 'ProductService.findProduct': ttl PT10M plus staleWhileRevalidate PT55M"
					+ " exceeds tiercache.max-ttl PT1H (ttl from tiercache.default-ttl, staleWhileRevalidate from"
					+ " the per-cache overrides)");
	}

	@Test
	void methodWithoutAnnotationHasNoOperation() {
		Method method = ReflectionUtils.findMethod(ProductService.class, "plain");
		assertThat(this.source.getCachedOperation(method, ProductService.class)).isNull();
		assertThat(this.source.getInvalidatesTagsOperation(method, ProductService.class)).isNull();
		assertThat(this.source.hasOperations(method, ProductService.class)).isFalse();
	}

	@Test
	void operationIsParsedOncePerMethodAndTargetClass() {
		Method method = ReflectionUtils.findMethod(ProductService.class, "findProduct", long.class);
		assertThat(this.source.getCachedOperation(method, ProductService.class))
			.isSameAs(this.source.getCachedOperation(method, ProductService.class));
	}

	@Test
	void classWithAnnotatedMethodHasOperations() {
		assertThat(this.source.hasOperations(ProductService.class)).isTrue();
		assertThat(this.source.hasOperations(PlainService.class)).isFalse();
		assertThat(this.source.hasOperations(String.class)).isFalse();
	}

	@Test
	void defaultNameOfInterfaceMethodUsesInterfaceName() {
		CachedOperation operation = cachedOperation(InMemoryProductRepo.class, "find", Long.class);
		assertThat(operation.settings().name()).isEqualTo("Repo.find");
		assertThat(operation.method().getDeclaringClass()).isEqualTo(Repo.class);
	}

	@Test
	void methodWithoutParametersHasSharedConstantKey() {
		CachedOperation operation = cachedOperation(ProductService.class, "findAll");
		assertThat(operation.generateKey(new Object[0], null)).isSameAs(CompositeKey.EMPTY);
	}

	@Test
	void singleArgumentIsTheKey() {
		CachedOperation operation = cachedOperation(ProductService.class, "findByName", String.class);
		String name = "lamp";
		assertThat(operation.generateKey(new Object[] { name }, null)).isSameAs(name);
		assertThat(operation.generateKey(new Object[] { null }, null)).isSameAs(CompositeKey.NULL);
	}

	@Test
	void singleArrayArgumentIsComparedByContent() {
		CachedOperation operation = cachedOperation(ProductService.class, "findByCodes", String[].class);
		Object key = operation.generateKey(new Object[] { new String[] { "a", "b" } }, null);
		assertThat(key).isInstanceOf(CompositeKey.class)
			.isEqualTo(operation.generateKey(new Object[] { new String[] { "a", "b" } }, null));
	}

	@Test
	void severalArgumentsMakeCompositeKeyComparedByValue() {
		CachedOperation operation = cachedOperation(ProductService.class, "findInCategory", long.class, String.class);
		Object[] args = { 7L, "lamp" };
		Object key = operation.generateKey(args, null);
		Object same = operation.generateKey(new Object[] { 7L, "lamp" }, null);
		assertThat(key).isInstanceOf(CompositeKey.class).isEqualTo(same).hasSameHashCodeAs(same);
		assertThat(key).isNotEqualTo(operation.generateKey(new Object[] { 7L, "desk" }, null));
		args[1] = "desk";
		assertThat(key).isEqualTo(same);
		assertThat(((CompositeKey) key).elements()).containsExactly(7L, "lamp");
	}

	@Test
	void keyExpressionIsEvaluatedBeforeLookup() {
		CachedOperation operation = cachedOperation(ProductService.class, "findInCategory", long.class, String.class);
		assertThat(operation.needsEvaluationBeforeLookup()).isFalse();
		CachedOperation withKey = cachedOperation(ProductService.class, "findByNameIn", String.class, long.class);
		assertThat(withKey.keyExpression().getExpressionString()).isEqualTo("#name");
		assertThat(withKey.needsEvaluationBeforeLookup()).isTrue();
	}

	@Test
	void tagExpressionsAreSplitByUseOfResult() {
		CachedOperation operation = cachedOperation(ProductService.class, "findProduct", long.class);
		assertThat(operation.argumentTagExpressions()).extracting(Expression::getExpressionString)
			.containsExactly("'product:' + #id", "'literal:#result'");
		assertThat(operation.resultTagExpressions()).extracting(Expression::getExpressionString)
			.containsExactly("'category:' + #result.categoryId");
	}

	@Test
	void invalidatesTagsOperationHoldsParsedTags() {
		InvalidatesTagsOperation operation = this.source.getInvalidatesTagsOperation(
				ReflectionUtils.findMethod(ProductService.class, "update", Product.class), ProductService.class);
		assertThat(operation.tagExpressions()).extracting(Expression::getExpressionString)
			.containsExactly("'product:' + #product.id", "'category:' + #product.categoryId");
	}

	@Test
	void valueTypeIsTheGenericReturnType() {
		CachedOperation operation = cachedOperation(ProductService.class, "findAll");
		assertThat(operation.valueType()).isEqualTo(typeOf(List.class, Product.class));
		assertThat(cachedOperation(ProductService.class, "findProduct", long.class).valueType())
			.isEqualTo(Product.class);
	}

	@Test
	void valueTypeIsResolvedAgainstImplementationOfGenericInterface() {
		CachedOperation operation = cachedOperation(InMemoryProductRepo.class, "find", Long.class);
		assertThat(operation.valueType()).isEqualTo(typeOf(Optional.class, Product.class));
	}

	@Test
	void valueTypeIsResolvedAgainstJdkProxyOfGenericInterface() {
		Class<?> proxyClass = proxyClass(ProductRepo.class);
		Method method = ReflectionUtils.findMethod(Repo.class, "find", Long.class);
		CachedOperation operation = this.source.getCachedOperation(method, proxyClass);
		assertThat(operation.valueType()).isEqualTo(typeOf(Optional.class, Product.class));
		assertThat(this.source.hasOperations(proxyClass)).isTrue();
	}

	@Test
	void crudRepositoryMethodFindsCachedOnGenericBaseRepository() {
		Class<?> proxyClass = proxyClass(ProductCrudRepository.class);
		Method findById = ReflectionUtils.findMethod(CrudRepository.class, "findById", Object.class);
		CachedOperation operation = this.source.getCachedOperation(findById, proxyClass);
		assertThat(operation.settings().name()).isEqualTo("CachingRepository.findById");
		assertThat(operation.valueType()).isEqualTo(typeOf(Optional.class, Product.class));
	}

	@Test
	void crudRepositoryMethodFindsCachedOnOverrideInRepositoryInterface() {
		Class<?> proxyClass = proxyClass(AnnotatedProductRepository.class);
		Method findById = ReflectionUtils.findMethod(CrudRepository.class, "findById", Object.class);
		Method bridge = ReflectionUtils.findMethod(AnnotatedProductRepository.class, "findById", Object.class);
		assertThat(bridge.isBridge()).isTrue();
		for (Method method : List.of(findById, bridge)) {
			CachedOperation operation = this.source.getCachedOperation(method, proxyClass);
			assertThat(operation.settings().name()).isEqualTo("AnnotatedProductRepository.findById");
			assertThat(operation.valueType()).isEqualTo(typeOf(Optional.class, Product.class));
		}
	}

	private CachedOperation cachedOperation(Class<?> type, String name, Class<?>... parameterTypes) {
		return cachedOperation(this.source, type, name, parameterTypes);
	}

	private static CachedOperation cachedOperation(TierCacheOperationSource source, Class<?> type, String name,
			Class<?>... parameterTypes) {
		Method method = ReflectionUtils.findMethod(type, name, parameterTypes);
		CachedOperation operation = source.getCachedOperation(method, type);
		assertThat(operation).isNotNull();
		return operation;
	}

	private static Type typeOf(Class<?> type, Class<?>... generics) {
		return ResolvableType.forClassWithGenerics(type, generics).getType();
	}

	private static Class<?> proxyClass(Class<?> repository) {
		return Proxy
			.newProxyInstance(repository.getClassLoader(), new Class<?>[] { repository }, (proxy, method, args) -> null)
			.getClass();
	}

	record Product(long id, long categoryId) {

	}

	static class ProductService {

		@Cached(tags = { "'product:' + #id", "'category:' + #result.categoryId", "'literal:#result'" })
		public Product findProduct(long id) {
			return new Product(id, 1);
		}

		@Cached(name = "products-by-name", ttl = "30s", jitter = "5s", nullTtl = "1m", local = false)
		public Product findByName(String name) {
			return new Product(1, 1);
		}

		@Cached(key = "#name")
		public Product findByNameIn(String name, long categoryId) {
			return new Product(1, categoryId);
		}

		@Cached
		public List<Product> findByCodes(String[] codes) {
			return List.of();
		}

		@Cached
		public List<Product> findInCategory(long categoryId, String name) {
			return List.of();
		}

		@Cached
		public List<Product> findAll() {
			return List.of();
		}

		@InvalidatesTags({ "'product:' + #product.id", "'category:' + #product.categoryId" })
		public void update(Product product) {
		}

		public void plain() {
		}

	}

	static class PlainService {

		public String describe() {
			return "plain";
		}

	}

	interface Repo<T> {

		@Cached
		Optional<T> find(Long id);

	}

	interface ProductRepo extends Repo<Product> {

	}

	static class InMemoryProductRepo implements Repo<Product> {

		@Override
		public Optional<Product> find(Long id) {
			return Optional.of(new Product(id, 1));
		}

	}

	interface CachingRepository<T, ID> extends CrudRepository<T, ID> {

		@Override
		@Cached
		Optional<T> findById(ID id);

	}

	interface ProductCrudRepository extends CachingRepository<Product, Long> {

	}

	interface AnnotatedProductRepository extends CrudRepository<Product, Long> {

		@Override
		@Cached
		Optional<Product> findById(Long id);

	}

}
