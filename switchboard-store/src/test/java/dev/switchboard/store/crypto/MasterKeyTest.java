package dev.switchboard.store.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
    @TempDir
    Path dir;

    @Test
    void readsTheEnvironmentValueFirstThenTheFile() throws Exception {
        String envKey = MasterKey.generateBase64();
        String fileKey = MasterKey.generateBase64();
        Path file = Files.writeString(dir.resolve("master.key"), fileKey + "\n");
        assertThat(MasterKey.fromEnvOrFile(envKey, file).fingerprint())
                .isEqualTo(MasterKey.fromBase64(envKey).fingerprint());
        assertThat(MasterKey.fromEnvOrFile(null, file).fingerprint())
                .isEqualTo(MasterKey.fromBase64(fileKey).fingerprint())
                .isNotEqualTo(MasterKey.fromBase64(envKey).fingerprint());
    }

    @Test
    void failsClearlyWithoutPrintingTheKey() throws Exception {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> MasterKey.fromEnvOrFile(shortKey, null))
                .hasMessageContaining(MasterKey.ENV_VAR).hasMessageContaining("32 bytes").hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> MasterKey.fromEnvOrFile(null, null)).hasMessageContaining("no master key");
        assertThatThrownBy(() -> MasterKey.fromEnvOrFile(null, dir.resolve("missing"))).hasMessageContaining("cannot read");
        Path bad = Files.writeString(dir.resolve("bad.key"), "not base64 !!");
        assertThatThrownBy(() -> MasterKey.fromEnvOrFile(null, bad)).hasMessageContaining("not valid base64")
                .hasMessageNotContaining("not base64 !!");
        String good = MasterKey.generateBase64();
        assertThat(MasterKey.fromBase64(good).toString()).doesNotContain(good).contains("fingerprint");
    }
}
