package io.tiercache.outbox;

import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.tiercache.annotation.Cached;
import io.tiercache.annotation.InvalidatesTags;
import io.tiercache.autoconfigure.TierCacheAutoConfiguration;
import io.tiercache.autoconfigure.TierCacheMetricsAutoConfiguration;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The application of the outbox's end-to-end tests: prices in a real database, cached
 * with {@code @Cached} and changed in {@code @Transactional @InvalidatesTags} methods, as
 * the README's example does. Public, for CGLIB proxies and for the process that the tests
 * kill.
 */
public class Catalog {

	/** A hook run before the next commit of a price change, inside its transaction. */
	static volatile @Nullable Runnable beforeCommit;

	/** A hook run after the next commit of a price change, before tiercache publishes. */
	static volatile @Nullable Runnable afterCommit;

	private final JdbcTemplate jdbc;

	private final AtomicInteger loads = new AtomicInteger();

	public Catalog(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Cached(name = "prices", ttl = "1h", tags = "'product:' + #id")
	public Long price(Long id) {
		this.loads.incrementAndGet();
		return this.jdbc.queryForObject("SELECT PRICE FROM PRODUCT WHERE ID = ?", Long.class, id);
	}

	@Transactional
	@InvalidatesTags("'product:' + #id")
	public void updatePrice(Long id, long price) {
		this.jdbc.update("UPDATE PRODUCT SET PRICE = ? WHERE ID = ?", price, id);
		Runnable before = beforeCommit;
		Runnable after = afterCommit;
		beforeCommit = null;
		afterCommit = null;
		if (before != null || after != null) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void beforeCommit(boolean readOnly) {
					if (before != null) {
						before.run();
					}
				}

				@Override
				public void afterCommit() {
					if (after != null) {
						after.run();
					}
				}

			});
		}
	}

	@Transactional
	@InvalidatesTags("'product:' + #id")
	public void updatePriceAndFail(Long id, long price) {
		this.jdbc.update("UPDATE PRODUCT SET PRICE = ? WHERE ID = ?", price, id);
		throw new IllegalStateException("Price " + price + " refused");
	}

	// A CGLIB proxy has fields of its own, never initialized: read through the target
	public int loads() {
		return this.loads.get();
	}

	/** The application: Redis, a DataSource, transactions, tiercache and the catalog. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
			DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			TransactionAutoConfiguration.class, TierCacheAutoConfiguration.class,
			TierCacheMetricsAutoConfiguration.class })
	public static class Application {

		@Bean
		Catalog catalog(DataSource dataSource) {
			return new Catalog(new JdbcTemplate(dataSource));
		}

	}

}
