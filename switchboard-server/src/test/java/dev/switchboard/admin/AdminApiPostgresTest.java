package dev.switchboard.admin;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same API contract on PostgreSQL, one fresh database per test. */
class AdminApiPostgresTest extends AdminApiContract {
    private static EmbeddedPostgres pg;
    private static int databases;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @Override
    Store openStore(Path dir) throws Exception {
        String name = "admin_" + (databases++);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE DATABASE " + name);
        }
        return Store.open(new StoreSettings("jdbc:postgresql://localhost:" + pg.getPort() + "/" + name, "postgres",
                "postgres", 4));
    }
}
