package io.tiercache.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;
import org.springframework.util.StringUtils;

/**
 * Creates the outbox table from {@code io/tiercache/outbox/schema-@@platform@@.sql},
 * following {@code tiercache.outbox.initialize-schema}, as Spring Boot creates Spring
 * Session JDBC's tables: the platform is detected from the {@link DataSource} (MariaDB
 * takes MySQL's script) unless {@code tiercache.outbox.platform} names it, and a table
 * name other than {@code TIERCACHE_OUTBOX} replaces that one in the script. Define a bean
 * of this type to create it otherwise.
 *
 * @since 0.1.0
 */
public class TierCacheOutboxSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/** Where the scripts are, one per platform. */
	public static final String SCHEMA_LOCATION = "classpath:io/tiercache/outbox/schema-@@platform@@.sql";

	/** The table name the scripts create. */
	public static final String DEFAULT_TABLE_NAME = "TIERCACHE_OUTBOX";

	private final String tableName;

	/**
	 * Create an initializer.
	 * @param dataSource the data source of the outbox
	 * @param outbox the outbox properties
	 */
	public TierCacheOutboxSchemaInitializer(DataSource dataSource, TierCacheProperties.Outbox outbox) {
		super(dataSource, settings(dataSource, outbox));
		this.tableName = outbox.getTableName();
	}

	static DatabaseInitializationSettings settings(DataSource dataSource, TierCacheProperties.Outbox outbox) {
		PlatformPlaceholderDatabaseDriverResolver platforms = new PlatformPlaceholderDatabaseDriverResolver()
			.withDriverPlatform(DatabaseDriver.MARIADB, "mysql");
		String platform = outbox.getPlatform();
		List<String> locations = StringUtils.hasText(platform) ? platforms.resolveAll(platform, SCHEMA_LOCATION)
				: (outbox.getInitializeSchema() != TierCacheProperties.Outbox.InitializeSchema.NEVER)
						? platforms.resolveAll(dataSource, SCHEMA_LOCATION) : List.of();
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(locations);
		settings.setMode(DatabaseInitializationMode.valueOf(outbox.getInitializeSchema().name()));
		return settings;
	}

	@Override
	protected void runScripts(Scripts scripts) {
		if (DEFAULT_TABLE_NAME.equals(this.tableName)) {
			super.runScripts(scripts);
			return;
		}
		List<Resource> renamed = new ArrayList<>();
		Charset encoding = (scripts.getEncoding() != null) ? scripts.getEncoding() : StandardCharsets.UTF_8;
		for (Resource script : scripts) {
			renamed.add(new ByteArrayResource(
					read(script, encoding).replace(DEFAULT_TABLE_NAME, this.tableName).getBytes(encoding),
					script.getDescription() + " for table " + this.tableName));
		}
		super.runScripts(new Scripts(renamed).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(encoding));
	}

	private static String read(Resource script, Charset encoding) {
		try (InputStream input = script.getInputStream()) {
			return StreamUtils.copyToString(input, encoding);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + script, ex);
		}
	}

}
