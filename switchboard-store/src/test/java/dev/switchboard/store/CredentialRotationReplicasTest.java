package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.crypto.MasterKeyMismatchException;
import dev.switchboard.store.repository.CredentialRead;
import dev.switchboard.store.repository.CredentialRepository;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas (two {@link Store}s on one database) with the same master key: one rotates while the other keeps
 * putting credentials. Afterwards every row is under the new key (a put racing the rotation waits and is then
 * refused, never written under the old key), the store names the new key in force, and the stale replica can
 * neither put nor rotate. Reading is per row: one bad row does not hide the others.
 */
class CredentialRotationReplicasTest {
    @TempDir
    static Path tmp;
    static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @Test
    void sqlite() throws Exception {
        StoreSettings s = StoreSettings.sqlite(tmp.resolve("replicas.db"));
        try (Store a = Store.open(s); Store b = Store.open(s)) {
            rotateWhileTheOtherReplicaPuts(a, b);
        }
    }

    @Test
    void postgres() throws Exception {
        StoreSettings s = new StoreSettings("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres",
                "postgres", 4);
        try (Store a = Store.open(s); Store b = Store.open(s)) {
            rotateWhileTheOtherReplicaPuts(a, b);
        }
    }

    void rotateWhileTheOtherReplicaPuts(Store a, Store b) throws Exception {
        MasterKey oldKey = MasterKey.generate();
        MasterKey newKey = MasterKey.generate();
        CredentialRepository onA = a.credentials(oldKey);
        CredentialRepository onB = b.credentials(oldKey);
        assertThat(onA.masterKeyInForce()).isNull();
        for (int i = 0; i < 20; i++) {
            onA.put("a", "p" + i, "seed", "sk-seed-" + i);
        }
        assertThat(onB.masterKeyInForce()).isEqualTo(oldKey.fingerprint());

        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        List<String> outcomes = new ArrayList<>();
        Future<?> puts = pool.submit(() -> {
            for (int i = 0; i < 60; i++) {
                if (i == 5) {
                    started.countDown();
                }
                try {
                    onB.put("b", "racing", "r" + i, "sk-racing-" + i);
                    outcomes.add("ok");
                } catch (MasterKeyMismatchException e) {
                    outcomes.add("refused");
                }
            }
            return null;
        });
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(onA.rotate("a", oldKey, newKey)).isGreaterThanOrEqualTo(20);
        puts.get(60, TimeUnit.SECONDS);
        pool.shutdown();

        assertThat(outcomes).contains("ok");
        // the racing puts may all end before the rotation lands; those after it are refused, and so is any put now
        if (outcomes.contains("refused")) {
            assertThat(outcomes.subList(outcomes.indexOf("refused"), outcomes.size())).containsOnly("refused");
        }
        assertThatThrownBy(() -> onB.put("b", "racing", "late", "sk-racing-late")).isInstanceOf(MasterKeyMismatchException.class);
        List<CredentialRead> rows = a.credentials(newKey).readEach();
        assertThat(rows).hasSize(20 + (int) outcomes.stream().filter("ok"::equals).count());
        assertThat(rows).allSatisfy(r -> assertThat(r.failure()).as(r.toString()).isNull());
        assertThat(onB.masterKeyInForce()).isEqualTo(newKey.fingerprint());
        assertThatThrownBy(() -> onB.rotate("b", oldKey, MasterKey.generate())).isInstanceOf(MasterKeyMismatchException.class);

        // the stale replica reads per row: every row fails on its own, none throws
        List<CredentialRead> stale = onB.readEach();
        assertThat(stale).hasSize(rows.size()).allSatisfy(r -> assertThat(r.failure()).contains(newKey.fingerprint()));
        assertThat(stale.toString()).doesNotContain("sk-seed").doesNotContain("sk-racing");
    }
}
