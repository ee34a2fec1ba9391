package dev.switchboard.e2e;

import dev.switchboard.store.StoreSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;

/** {@link CacheOpsContract} on an embedded PostgreSQL, which refuses a NUL in text. */
class CacheOpsPostgresIT extends CacheOpsContract {
    private EmbeddedPostgres pg;

    private String url() {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
    }

    @Override
    String storeYaml(Path dir) throws Exception {
        pg = EmbeddedPostgres.builder().start();
        return "url: \"" + url() + "\", user: postgres, password: postgres, pool_size: 2";
    }

    @Override
    StoreSettings storeSettings(Path dir) {
        return new StoreSettings(url(), "postgres", "postgres", 2);
    }

    @Override
    void stopDatabase() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }
}
