package io.tiercache.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
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

	/** The platforms with a script. */
	private static final List<String> PLATFORMS = List.of("postgresql", "mysql", "h2");

	private final String tableName;

	private final TierCacheProperties.Outbox.InitializeSchema mode;

	private final @Nullable String missingScript;

	/**
	 * Create an initializer.
	 * @param dataSource the data source of the outbox
	 * @param outbox the outbox properties
	 */
	public TierCacheOutboxSchemaInitializer(DataSource dataSource, TierCacheProperties.Outbox outbox) {
		this(dataSource, outbox, Schema.of(dataSource, outbox));
	}

	private TierCacheOutboxSchemaInitializer(DataSource dataSource, TierCacheProperties.Outbox outbox, Schema schema) {
		super(dataSource, schema.settings(outbox));
		this.tableName = outbox.getTableName();
		this.mode = outbox.getInitializeSchema();
		this.missingScript = schema.missing();
	}

	/**
	 * Create the table, if the mode says to.
	 * @return whether a script ran
	 * @throws TierCacheConfigurationException if the table is to be created but no script
	 * fits the database, naming the properties that choose one
	 */
	@Override
	public boolean initializeDatabase() {
		boolean creates = this.mode == TierCacheProperties.Outbox.InitializeSchema.ALWAYS
				|| (this.mode == TierCacheProperties.Outbox.InitializeSchema.EMBEDDED && isEmbeddedDatabase());
		if (creates && this.missingScript != null) {
			throw new TierCacheConfigurationException(
					"Invalid tiercache.outbox.platform: tiercache.outbox.initialize-schema says to create the outbox "
							+ "table, but " + this.missingScript,
					"Set tiercache.outbox.platform to the one of " + String.join(", ", PLATFORMS)
							+ " whose script the database accepts, or set tiercache.outbox.initialize-schema=never "
							+ "and create the table yourself (see " + SCHEMA_LOCATION + ").");
		}
		return super.initializeDatabase();
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

	/**
	 * Where the script of the outbox's platform is, and what is missing if there is none.
	 *
	 * @param locations the script's location, empty if none is to run or none fits
	 * @param missing why no script fits, such as
	 * {@code tiercache has no outbox script for
	 * its platform: classpath:io/tiercache/outbox/schema-oracle.sql}, or {@code null}
	 */
	private record Schema(List<String> locations, @Nullable String missing) {

		static Schema of(DataSource dataSource, TierCacheProperties.Outbox outbox) {
			PlatformPlaceholderDatabaseDriverResolver platforms = new PlatformPlaceholderDatabaseDriverResolver()
				.withDriverPlatform(DatabaseDriver.MARIADB, "mysql");
			String platform = outbox.getPlatform();
			if (!StringUtils.hasText(platform)
					&& outbox.getInitializeSchema() == TierCacheProperties.Outbox.InitializeSchema.NEVER) {
				return new Schema(List.of(), null);
			}
			List<String> locations;
			try {
				locations = StringUtils.hasText(platform) ? platforms.resolveAll(platform, SCHEMA_LOCATION)
						: platforms.resolveAll(dataSource, SCHEMA_LOCATION);
			}
			catch (IllegalStateException ex) {
				// Only a failure if a script is to run: the initializer decides
				return new Schema(List.of(), "the platform of the DataSource is not known (" + ex.getMessage() + ")");
			}
			ResourceLoader resources = new DefaultResourceLoader(
					TierCacheOutboxSchemaInitializer.class.getClassLoader());
			for (String location : locations) {
				if (!resources.getResource(location).exists()) {
					return new Schema(List.of(), "tiercache has no outbox script for its platform: " + location);
				}
			}
			return new Schema(locations, null);
		}

		DatabaseInitializationSettings settings(TierCacheProperties.Outbox outbox) {
			DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
			settings.setSchemaLocations(this.locations);
			settings.setMode(DatabaseInitializationMode.valueOf(outbox.getInitializeSchema().name()));
			return settings;
		}

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
