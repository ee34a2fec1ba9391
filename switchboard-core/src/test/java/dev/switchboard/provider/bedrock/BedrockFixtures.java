package dev.switchboard.provider.bedrock;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.credentials.AwsCredentials;
import dev.switchboard.credentials.SigV4Credential;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.secret.Secret;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/** Shared test setup: the catalogue's bedrock entry as a configured provider, and an event-stream encoder. */
final class BedrockFixtures {
    static final String ACCESS = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final long CREATED = 1_700_000_000L;
    static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    static final ProviderType TYPE = ProviderCatalogue.bundled().find("bedrock").orElseThrow();
    static final ProviderEndpoint ENDPOINT = endpoint("https://bedrock-runtime.eu-west-1.amazonaws.com", ACCESS + ":" + SECRET);

    private BedrockFixtures() {}

    static ProviderEndpoint endpoint(String baseUrl, String key) {
        return new ProviderEndpoint("aws", TYPE, baseUrl, new Secret(key), TYPE.headers(), TYPE.apiVersion(), List.of(), Timeouts.DEFAULTS);
    }

    /** The catalogue's credential for {@link #ENDPOINT}, signing at {@link #NOW}. */
    static SigV4Credential credential() {
        return new SigV4Credential(AwsCredentials.of(ENDPOINT), TYPE.signingService(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static ModelRequest chat(String json) {
        return OpenAiRequestDecoder.decode(Operation.CHAT, json.getBytes(StandardCharsets.UTF_8));
    }

    /** One event-stream message with string headers. */
    static byte[] frame(Map<String, String> headers, byte[] payload) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        headers.forEach((k, v) -> {
            byte[] name = k.getBytes(StandardCharsets.UTF_8);
            byte[] value = v.getBytes(StandardCharsets.UTF_8);
            h.write(name.length);
            h.writeBytes(name);
            h.write(7);
            h.write(value.length >> 8);
            h.write(value.length & 0xff);
            h.writeBytes(value);
        });
        byte[] hb = h.toByteArray();
        int total = 12 + hb.length + payload.length + 4;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(total).putInt(hb.length);
        CRC32 prelude = new CRC32();
        prelude.update(b.array(), 0, 8);
        b.putInt((int) prelude.getValue());
        b.put(hb).put(payload);
        CRC32 all = new CRC32();
        all.update(b.array(), 0, total - 4);
        b.putInt((int) all.getValue());
        return b.array();
    }

    static byte[] event(String type, String json) {
        return frame(new java.util.LinkedHashMap<>(Map.of(":event-type", type, ":message-type", "event",
                ":content-type", "application/json")), json.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] exception(String type, String json) {
        return frame(new java.util.LinkedHashMap<>(Map.of(":exception-type", type, ":message-type", "exception",
                ":content-type", "application/json")), json.getBytes(StandardCharsets.UTF_8));
    }
}
