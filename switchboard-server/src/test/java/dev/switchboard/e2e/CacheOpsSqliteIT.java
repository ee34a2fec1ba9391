package dev.switchboard.e2e;

import dev.switchboard.store.StoreSettings;
import java.nio.file.Path;

/** {@link CacheOpsContract} on SQLite. */
class CacheOpsSqliteIT extends CacheOpsContract {
    @Override
    String storeYaml(Path dir) {
        return "url: \"sqlite:" + dir.resolve("store.db") + "\"";
    }

    @Override
    StoreSettings storeSettings(Path dir) {
        return StoreSettings.sqlite(dir.resolve("store.db"));
    }
}
