package io.tiercache.autoconfigure;

import javax.sql.DataSource;

import io.tiercache.interceptor.TransactionalInvalidationPostProcessor;
import io.tiercache.outbox.JdbcInvalidationOutbox;
import io.tiercache.outbox.OutboxRelay;
import io.tiercache.store.InvalidationOutbox;
import io.tiercache.store.TieredStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.transaction.TransactionManager;

/**
 * The outbox, when {@code tiercache.outbox.enabled} is true and the application has one
 * {@link DataSource} and a transaction manager: the JDBC outbox the store writes
 * invalidations to, the relay that publishes what a writer could not, the post-processor
 * that runs {@code @InvalidatesTags} inside the method's own transaction, and the schema
 * initializer.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("tiercache.outbox.enabled")
@ConditionalOnClass(name = { "org.springframework.jdbc.core.JdbcTemplate",
		"org.springframework.transaction.support.TransactionSynchronizationManager" })
@ConditionalOnBean({ RedisConnectionFactory.class, TransactionManager.class })
@ConditionalOnSingleCandidate(DataSource.class)
@Import(TierCacheOutboxConfiguration.SchemaInitializerConfiguration.class)
class TierCacheOutboxConfiguration {

	@Bean
	@ConditionalOnMissingBean(InvalidationOutbox.class)
	JdbcInvalidationOutbox tierCacheOutbox(DataSource dataSource, TierCacheProperties properties) {
		return new JdbcInvalidationOutbox(dataSource, properties.getOutbox().getTableName());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(JdbcInvalidationOutbox.class)
	OutboxRelay tierCacheOutboxRelay(JdbcInvalidationOutbox outbox, TieredStore store, TierCacheProperties properties,
			ObjectProvider<OutboxRelay.Observer> observer) {
		TierCacheProperties.Outbox settings = properties.getOutbox();
		return new OutboxRelay(outbox, store, settings.getRelayDelay(), settings.getPollInterval(),
				settings.getRetention(), observer.getIfAvailable(() -> OutboxRelay.Observer.NONE));
	}

	// Static: a post-processor is created before the other beans, and needs none of them
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static TransactionalInvalidationPostProcessor tierCacheTransactionalInvalidationPostProcessor() {
		return new TransactionalInvalidationPostProcessor();
	}

	/**
	 * The schema initializer, with Spring Boot's script initialization.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer")
	static class SchemaInitializerConfiguration {

		@Bean
		@ConditionalOnMissingBean(TierCacheOutboxSchemaInitializer.class)
		TierCacheOutboxSchemaInitializer tierCacheOutboxSchemaInitializer(DataSource dataSource,
				TierCacheProperties properties) {
			return new TierCacheOutboxSchemaInitializer(dataSource, properties.getOutbox());
		}

	}

}
