package dev.switchboard.e2e;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ReplicaRotationContract} with both replicas on one embedded PostgreSQL database. */
class ReplicaRotationPostgresIT extends ReplicaRotationContract {
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @Override
    String storeSettings() {
        return "url: \"jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres\", user: postgres, password: postgres, pool_size: 2";
    }
}
