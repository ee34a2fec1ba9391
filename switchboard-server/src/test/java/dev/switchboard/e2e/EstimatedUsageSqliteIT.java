package dev.switchboard.e2e;

import dev.switchboard.store.StoreSettings;
import java.nio.file.Path;

/** {@link EstimatedUsageLedgerContract} on SQLite. */
class EstimatedUsageSqliteIT extends EstimatedUsageLedgerContract {
    @Override
    String storeYaml(Path dir) {
        return "url: \"sqlite:" + dir.resolve("store.db") + "\"";
    }

    @Override
    StoreSettings storeSettings(Path dir) {
        return StoreSettings.sqlite(dir.resolve("store.db"));
    }
}
