package dev.switchboard.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresStoreTest extends StoreContractTest {
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
    StoreSettings freshDatabase() throws Exception {
        String name = "store_" + (databases++);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE DATABASE " + name);
        }
        return new StoreSettings("jdbc:postgresql://localhost:" + pg.getPort() + "/" + name, "postgres", "postgres", 4);
    }
}
