package dev.switchboard.provider.gemini;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Gemini's function calls carry no id (OpenAI's tool calls need one), and Gemini 2.5+ attaches a
 * {@code thoughtSignature} to a function call that must come back with it on the next turn. The id made here is
 * stable (derived from the response id and the call's position) and, when there is a signature, carries it after
 * {@link #SIGNATURE_MARK}, so a client that echoes its tool calls back echoes the signature too.
 */
final class GeminiToolIds {
    static final String SIGNATURE_MARK = "__thought__";

    private GeminiToolIds() {}

    /** @param own the function call's own id, when Gemini sent one */
    static String make(String responseId, int candidate, int call, String own, String signature) {
        String base = own != null && !own.isEmpty() ? own : "call_" + hash(responseId + ":" + candidate + ":" + call);
        return signature == null || signature.isEmpty() ? base : base + SIGNATURE_MARK + signature;
    }

    /** The signature carried by an id made here, or null. */
    static String signature(String id) {
        int at = id == null ? -1 : id.indexOf(SIGNATURE_MARK);
        return at < 0 ? null : id.substring(at + SIGNATURE_MARK.length());
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
