package dev.switchboard.store;

import dev.switchboard.store.dialect.Dialect;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings the schema up to date with Flyway, from the backend's own folder under {@code db/migration}. */
final class Migrations {
    /** The store's logger, as before the split, so operators' log filters still match. */
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private Migrations() {}

    static void apply(DataSource dataSource, Dialect dialect) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:" + dialect.migrations())
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info("store migrated to version {} ({} migrations)", result.targetSchemaVersion,
                    result.migrationsExecuted);
        }
    }
}
