package io.tiercache.sample;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Locale;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Counts the statements the application sends to its database, as
 * {@code sample.database.statements{kind=read|write}}: the meter that shows what the
 * caches spare the database (the load figures of the README divide by it). A
 * {@code SELECT ... FOR UPDATE} counts as a write: it is the locked read a write starts
 * from, which no cache may answer. Statements of Flyway count too; they are few.
 */
class DatabaseStatementMeter implements BeanPostProcessor {

	private final ObjectProvider<MeterRegistry> registry;

	private volatile Counter reads;

	private volatile Counter writes;

	DatabaseStatementMeter(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource && !(bean instanceof CountingDataSource)) {
			return new CountingDataSource(dataSource);
		}
		return bean;
	}

	private void count(String sql) {
		String statement = sql.strip().toLowerCase(Locale.ROOT);
		boolean read = statement.startsWith("select") && !statement.endsWith("for update");
		if (this.reads == null) {
			MeterRegistry meters = this.registry.getObject();
			this.reads = counter(meters, "read");
			this.writes = counter(meters, "write");
		}
		(read ? this.reads : this.writes).increment();
	}

	private static Counter counter(MeterRegistry meters, String kind) {
		return Counter.builder("sample.database.statements")
			.description("Statements sent to the database")
			.tag("kind", kind)
			.register(meters);
	}

	private final class CountingDataSource extends DelegatingDataSource {

		CountingDataSource(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws java.sql.SQLException {
			return counting(super.getConnection());
		}

		@Override
		public Connection getConnection(String username, String password) throws java.sql.SQLException {
			return counting(super.getConnection(username, password));
		}

		private Connection counting(Connection connection) {
			InvocationHandler handler = (proxy, method, args) -> invoke(connection, method, args);
			return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
					new Class<?>[] { Connection.class }, handler);
		}

		private Object invoke(Connection connection, Method method, Object[] args) throws Throwable {
			if (method.getName().startsWith("prepare") && args != null && args.length > 0
					&& args[0] instanceof String sql) {
				count(sql);
			}
			try {
				return method.invoke(connection, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

}
