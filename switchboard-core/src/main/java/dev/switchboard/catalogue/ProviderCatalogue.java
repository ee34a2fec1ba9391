package dev.switchboard.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The bundled provider types, read once from {@code providers.yaml} on the classpath. Immutable, thread-safe. */
public final class ProviderCatalogue {
    private static final ProviderCatalogue BUNDLED = load("providers.yaml");

    private final Map<String, ProviderType> types;

    private ProviderCatalogue(Map<String, ProviderType> types) {
        this.types = Collections.unmodifiableMap(types);
    }

    public static ProviderCatalogue bundled() {
        return BUNDLED;
    }

    public Optional<ProviderType> find(String name) {
        return Optional.ofNullable(types.get(name));
    }

    public Set<String> names() {
        return types.keySet();
    }

    private static ProviderCatalogue load(String resource) {
        try (InputStream in = ProviderCatalogue.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing catalogue resource " + resource);
            }
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            Map<String, ProviderType> types = new LinkedHashMap<>();
            root.properties().forEach(e -> types.put(e.getKey(), entry(e.getKey(), e.getValue())));
            return new ProviderCatalogue(types);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProviderType entry(String name, JsonNode n) {
        Map<String, String> headers = new LinkedHashMap<>();
        n.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        AuthStyle auth = AuthStyle.valueOf(n.path("auth").asText("bearer").toUpperCase(Locale.ROOT).replace('-', '_'));
        if (auth == AuthStyle.SIGV4 && !n.hasNonNull("signing_service")) {
            throw new IllegalStateException("catalogue entry " + name + ": auth sigv4 needs signing_service");
        }
        return new ProviderType(
                name,
                n.path("dialect").asText("openai"),
                n.hasNonNull("base_url") ? n.get("base_url").asText() : null,
                auth,
                n.path("auth_header").asText(auth == AuthStyle.BEARER ? "Authorization" : null),
                n.hasNonNull("signing_service") ? n.get("signing_service").asText() : null,
                n.path("key_required").asBoolean(auth != AuthStyle.NONE),
                UrlStyle.valueOf(n.path("url_style").asText("standard").toUpperCase(Locale.ROOT).replace('-', '_')),
                n.hasNonNull("api_version") ? n.get("api_version").asText() : null,
                Map.copyOf(headers),
                n.path("builtin").asBoolean(false));
    }
}
