package dev.switchboard.routing.condition;

/**
 * One fact a condition reads, resolved from its config name ({@code header.x-team}, {@code request.stream}) at
 * parse time so that evaluation is a switch, not a string lookup.
 *
 * @param name the name as written in config, for messages
 * @param source which fact
 * @param key the header name (lower case) or metadata key; null for the fixed facts
 */
public record Field(String name, Source source, String key) {

    /** The kinds of value a field holds; they decide which operators apply. */
    public enum Type { TEXT, BOOLEAN, NUMBER }

    public enum Source {
        HEADER(Type.TEXT), ROUTE_METADATA(Type.TEXT), KEY_NAME(Type.TEXT), KEY_TEAM(Type.TEXT),
        KEY_METADATA(Type.TEXT), MODEL(Type.TEXT), STREAM(Type.BOOLEAN), TOOLS(Type.BOOLEAN),
        IMAGES(Type.BOOLEAN), INPUT_TOKENS(Type.NUMBER);

        final Type type;

        Source(Type type) {
            this.type = type;
        }
    }

    public Type type() {
        return source.type;
    }

    /** The value of a text field; null when absent. */
    String text(RequestFacts facts) {
        return switch (source) {
            case HEADER -> facts.header(key);
            case ROUTE_METADATA -> facts.routeMetadata(key);
            case KEY_NAME -> facts.keyName();
            case KEY_TEAM -> facts.team();
            case KEY_METADATA -> facts.keyMetadata(key);
            case MODEL -> facts.model();
            case STREAM, TOOLS, IMAGES, INPUT_TOKENS -> throw new IllegalStateException(name + " is not text");
        };
    }

    boolean flag(RequestFacts facts) {
        return switch (source) {
            case STREAM -> facts.stream();
            case TOOLS -> facts.hasTools();
            case IMAGES -> facts.hasImages();
            default -> throw new IllegalStateException(name + " is not a boolean");
        };
    }

    /** The value as a number; NaN when absent or not numeric, which no comparison matches. */
    double number(RequestFacts facts) {
        if (source == Source.INPUT_TOKENS) {
            return facts.estimatedInputTokens();
        }
        return Numbers.parse(text(facts));
    }
}
