package dev.switchboard.routing.condition;

/**
 * What a routing condition may read about a request. Implementations should compute the costly facts
 * (tools, images, token estimate) only when asked: most rules never read them.
 */
public interface RequestFacts {
    String header(String lowerCaseName);   // a request header, null when absent
    String routeMetadata(String key);      // a pair from the x-ai-route-metadata header, null when absent
    String keyName();                      // the caller's key name
    String team();                         // null when none
    String keyMetadata(String key);        // null when absent
    String model();                        // the model the client asked for
    boolean stream();
    boolean hasTools();
    boolean hasImages();
    long estimatedInputTokens();
}
