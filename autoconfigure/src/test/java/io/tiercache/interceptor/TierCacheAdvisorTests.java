package io.tiercache.interceptor;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.store.Jitter;
import io.tiercache.store.LoggingStoreErrorHandler;
import io.tiercache.store.TieredStore;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.data.annotation.Id;
import org.springframework.data.map.repository.config.EnableMapRepositories;
import org.springframework.data.repository.CrudRepository;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link TierCacheAdvisor} in an application context.
 */
class TierCacheAdvisorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
		.withUserConfiguration(TierCacheConfiguration.class);

	@Test
	void defaultOrderRunsBeforeDefaultOrderedTransactions() {
		TierCacheOperationSource source = new TierCacheOperationSource(TierCacheConfiguration.defaults);
		TierCacheAdvisor advisor = new TierCacheAdvisor(source, new TierCacheInterceptor(source, () -> {
			throw new AssertionError("The store must not be used");
		}));
		assertThat(advisor.getOrder()).isEqualTo(Ordered.LOWEST_PRECEDENCE - 100);
	}

	@Test
	void invalidationOfTransactionalMethodRunsAfterItsTransactionCommitted() {
		this.contextRunner.withUserConfiguration(TransactionConfiguration.class)
			.withBean(ProductService.class)
			.run((context) -> {
				context.getBean(ProductService.class).update(1);
				assertThat(context.getBean(RecordingInvalidator.class).invalidations)
					.containsExactly(new Invalidation(List.of("product:1"), false));
			});
	}

	@Test
	void withAnOutboxTheInvalidationOfATransactionalMethodIsWrittenInsideItsOwnTransaction() {
		this.contextRunner.withUserConfiguration(TransactionConfiguration.class, OutboxConfiguration.class)
			.withBean(ProductService.class)
			.run((context) -> {
				RecordingInvalidator invalidator = withOutbox(context);
				context.getBean(ProductService.class).update(1);
				assertThat(invalidator.written).containsExactly(List.of("product:1"));
				assertThat(invalidator.invalidations).as("invalidated by the advice around the transaction").isEmpty();
			});
	}

	@Test
	void withAnOutboxTheInvalidationIsWrittenInsideTransactionAdviceOfAnyOrder() {
		this.contextRunner.withUserConfiguration(OuterTransactionConfiguration.class, OutboxConfiguration.class)
			.withBean(ProductService.class)
			.run((context) -> {
				RecordingInvalidator invalidator = withOutbox(context);
				context.getBean(ProductService.class).update(1);
				assertThat(invalidator.written).containsExactly(List.of("product:1"));
			});
	}

	@Test
	void withAnOutboxAMethodOutsideATransactionIsInvalidatedOnceWhenItReturns() {
		this.contextRunner.withUserConfiguration(TransactionConfiguration.class, OutboxConfiguration.class)
			.withBean(PlainService.class)
			.run((context) -> {
				RecordingInvalidator invalidator = withOutbox(context);
				context.getBean(PlainService.class).touch(2);
				assertThat(invalidator.written).isEmpty();
				assertThat(invalidator.invalidations).containsExactly(new Invalidation(List.of("product:2"), false));
			});
	}

	@Test
	void withAnOutboxAMethodThatThrowsInsideItsTransactionIsNeitherWrittenNorInvalidated() {
		this.contextRunner.withUserConfiguration(TransactionConfiguration.class, OutboxConfiguration.class)
			.withBean(ProductService.class)
			.run((context) -> {
				RecordingInvalidator invalidator = withOutbox(context);
				assertThatIllegalStateException().isThrownBy(() -> context.getBean(ProductService.class).reject(3));
				assertThat(invalidator.written).isEmpty();
				assertThat(invalidator.invalidations).isEmpty();
			});
	}

	@Test
	void springDataRepositoryMethodsAreIntercepted() {
		this.contextRunner.withUserConfiguration(MapRepositoryConfiguration.class).run((context) -> {
			StockRepository repository = context.getBean(StockRepository.class);
			assertThat(((Advised) repository).getAdvisors()).hasAtLeastOneElementOfType(TierCacheAdvisor.class);
			TierCacheOperationSource source = context.getBean(TierCacheOperationSource.class);
			Class<?> repositoryClass = AopProxyUtils.getSingletonTarget(repository).getClass();
			Method findById = CrudRepository.class.getMethod("findById", Object.class);
			assertThat(source.getCachedOperation(findById, repositoryClass).valueType())
				.isEqualTo(ResolvableType.forClassWithGenerics(Optional.class, Stock.class).getType());
			repository.save(new Stock(5L, 12));
			assertThat(context.getBean(RecordingInvalidator.class).invalidations)
				.containsExactly(new Invalidation(List.of("stock:5"), false));
			assertThat(repository.findById(5L)).map(Stock::getQuantity).contains(12);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class TierCacheConfiguration {

		// Disabled caches go straight to the method, so no store is needed
		static final TierCacheDefaults defaults = new TierCacheDefaults(Duration.ofMinutes(10), Jitter.NONE,
				Duration.ofHours(1), (settings) -> settings.withEnabled(false));

		@Bean
		RecordingInvalidator recordingInvalidator() {
			return new RecordingInvalidator();
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		TierCacheOperationSource tierCacheOperationSource() {
			return new TierCacheOperationSource(defaults);
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		TierCacheInterceptor tierCacheInterceptor(TierCacheOperationSource tierCacheOperationSource,
				RecordingInvalidator recordingInvalidator) {
			return new TierCacheInterceptor(tierCacheOperationSource, TierCacheAdvisorTests::noStore,
					LoggingStoreErrorHandler::new, recordingInvalidator);
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		TierCacheAdvisor tierCacheAdvisor(TierCacheOperationSource tierCacheOperationSource,
				TierCacheInterceptor tierCacheInterceptor) {
			return new TierCacheAdvisor(tierCacheOperationSource, tierCacheInterceptor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class TransactionConfiguration {

		@Bean
		DataSource dataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		}

		@Bean
		PlatformTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

	}

	/** Transaction advice with the highest precedence: outside tiercache's advisor. */
	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement(order = Ordered.HIGHEST_PRECEDENCE)
	static class OuterTransactionConfiguration {

		@Bean
		DataSource dataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		}

		@Bean
		PlatformTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

	}

	/**
	 * What the auto-configuration adds with an outbox: the advice inside transactions.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OutboxConfiguration {

		@Bean
		static TransactionalInvalidationPostProcessor transactionalInvalidationPostProcessor() {
			return new TransactionalInvalidationPostProcessor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableMapRepositories(considerNestedRepositories = true,
			includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = StockRepository.class))
	static class MapRepositoryConfiguration {

	}

	private static RecordingInvalidator withOutbox(ApplicationContext context) {
		RecordingInvalidator invalidator = context.getBean(RecordingInvalidator.class);
		invalidator.outbox = true;
		return invalidator;
	}

	private static TieredStore noStore() {
		throw new AssertionError("The store must not be used");
	}

	record Invalidation(List<String> tags, boolean inTransaction) {

	}

	static class RecordingInvalidator implements Invalidator {

		final List<Invalidation> invalidations = new CopyOnWriteArrayList<>();

		/** Tags written to the outbox, inside a transaction. */
		final List<List<String>> written = new CopyOnWriteArrayList<>();

		/** Whether to act as a store with an outbox. */
		volatile boolean outbox;

		@Override
		public void invalidate(Collection<String> tags) {
			this.invalidations.add(
					new Invalidation(List.copyOf(tags), TransactionSynchronizationManager.isActualTransactionActive()));
		}

		@Override
		public boolean invalidateOnCommit(Collection<String> tags) {
			if (!this.outbox || !TransactionSynchronizationManager.isActualTransactionActive()) {
				return false;
			}
			this.written.add(List.copyOf(tags));
			return true;
		}

	}

	static class ProductService {

		@Transactional
		@InvalidatesTags("'product:' + #id")
		public void update(long id) {
			assertThat(TransactionSynchronizationManager.isActualTransactionActive()).isTrue();
		}

		@Transactional
		@InvalidatesTags("'product:' + #id")
		public void reject(long id) {
			throw new IllegalStateException("rejected");
		}

	}

	static class PlainService {

		@InvalidatesTags("'product:' + #id")
		public void touch(long id) {
		}

	}

	static class Stock {

		@Id
		private final Long id;

		private final int quantity;

		Stock(Long id, int quantity) {
			this.id = id;
			this.quantity = quantity;
		}

		public Long getId() {
			return this.id;
		}

		public int getQuantity() {
			return this.quantity;
		}

	}

	interface StockRepository extends CrudRepository<Stock, Long> {

		@Override
		@Cached
		Optional<Stock> findById(Long id);

		@Override
		@InvalidatesTags("'stock:' + #stock.id")
		<S extends Stock> S save(S stock);

	}

}
