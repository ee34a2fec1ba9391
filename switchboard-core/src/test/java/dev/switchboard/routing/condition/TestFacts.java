package dev.switchboard.routing.condition;

import java.util.HashMap;
import java.util.Map;

/** Facts set by hand, for testing conditions apart from request parsing. */
final class TestFacts implements RequestFacts {
    final Map<String, String> headers = new HashMap<>();
    final Map<String, String> metadata = new HashMap<>();
    final Map<String, String> keyMetadata = new HashMap<>();
    String keyName = "svc-a";
    String team;
    String model = "smart";
    boolean stream;
    boolean tools;
    boolean images;
    long tokens;
    int featureReads;

    /** A typical request: team platform, gold tier, a prod key, 9000 tokens, streaming. */
    static TestFacts typical() {
        TestFacts f = new TestFacts();
        f.headers.put("x-team", "eng");
        f.headers.put("x-budget", "12.5");
        f.metadata.put("tier", "gold");
        f.metadata.put("n", "3");
        f.keyMetadata.put("env", "prod-eu");
        f.team = "platform";
        f.stream = true;
        f.tokens = 9000;
        return f;
    }

    @Override public String header(String lowerCaseName) { return headers.get(lowerCaseName); }
    @Override public String routeMetadata(String key) { return metadata.get(key); }
    @Override public String keyName() { return keyName; }
    @Override public String team() { return team; }
    @Override public String keyMetadata(String key) { return keyMetadata.get(key); }
    @Override public String model() { return model; }
    @Override public boolean stream() { return stream; }
    @Override public boolean hasTools() { featureReads++; return tools; }
    @Override public boolean hasImages() { featureReads++; return images; }
    @Override public long estimatedInputTokens() { featureReads++; return tokens; }
}
