package dev.switchboard.admin;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;

class AdminApiSqliteTest extends AdminApiContract {
    @Override
    Store openStore(Path dir) throws Exception {
        Files.createDirectories(dir);
        return Store.open(new StoreSettings("sqlite:" + dir.resolve("store.db"), null, null, 1));
    }
}
