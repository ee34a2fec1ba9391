package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stages come and go with the config file, and a config naming a stage type that does not exist changes nothing. */
class StagesReloadIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CHAT = "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final FakeUpstream upstream = FakeUpstream.start();
    private final String yaml = GatewayFixture.defaultYaml(upstream, "");
    private final GatewayFixture gateway = GatewayFixture.watching(yaml);

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void stagesReloadWithTheConfig() throws Exception {
        assertThat(answer()).isEqualTo("echo: hi");
        writeConfig(yaml + "stages: [{ type: test_answer, settings: { text: reloaded } }]\n");
        await(() -> "reloaded".equals(answer()), "the new stage answers");

        writeConfig(yaml + "stages: [{ type: test_answr, settings: { text: typo } }]\n"); // refused: the last good config stays
        Thread.sleep(600); // three polls of the 200 ms watcher
        assertThat(answer()).isEqualTo("reloaded");

        writeConfig(yaml);
        await(() -> "echo: hi".equals(answer()), "the stage is gone");
    }

    private String answer() {
        try {
            return JSON.readTree(gateway.post("/v1/chat/completions", CHAT).body())
                    .path("choices").path(0).path("message").path("content").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeConfig(String content) throws IOException {
        Path tmp = Files.createTempFile(gateway.configFile().getParent(), "switchboard-next", ".yaml");
        Files.writeString(tmp, content);
        Files.move(tmp, gateway.configFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(end);
            Thread.sleep(25);
        }
    }
}
