package dev.switchboard.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The shared, thread-safe Jackson mapper. Limits are raised because agent prompts reach several MB. Nesting: a
 * document deeper than {@link #MAX_READ_DEPTH} is refused on reading, and what was read can always be written
 * again, even wrapped a few levels deeper by a translator ({@link #MAX_WRITE_DEPTH}).
 */
public final class Json {
    public static final int MAX_READ_DEPTH = 1000;
    public static final int MAX_WRITE_DEPTH = MAX_READ_DEPTH + 100;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(512 * 1024 * 1024)
                            .maxNestingDepth(MAX_READ_DEPTH)
                            .maxDocumentLength(-1)
                            .build())
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_WRITE_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // relay numbers as sent: without this, 1.0 is forwarded as 1 and 100.0 as 1E+2
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** Reads a sub-tree from a parser positioned inside a larger document (no trailing-token check). */
    public static final ObjectReader SUBTREE_READER = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Reads whole client documents for the tree-based ingress paths: a key given twice in any object is refused
     * (a provider may read the first where the gateway reads the last).
     */
    public static final ObjectReader STRICT_READER = MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private Json() {}
}
