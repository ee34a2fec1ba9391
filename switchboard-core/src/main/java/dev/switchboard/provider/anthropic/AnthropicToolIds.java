package dev.switchboard.provider.anthropic;

/**
 * Anthropic accepts tool-use ids made of letters, digits, '_' and '-' only, while a conversation may carry ids
 * minted by another provider (e.g. {@code functions.get_weather:0}). The same replacement is applied to the
 * assistant's call and to the tool result answering it, so the pair still matches.
 */
final class AnthropicToolIds {
    private AnthropicToolIds() {}

    static String toAnthropic(String id) {
        StringBuilder sb = null;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok && sb == null) {
                sb = new StringBuilder(id.length()).append(id, 0, i);
            }
            if (sb != null) {
                sb.append(ok ? c : '_');
            }
        }
        return sb == null ? id : sb.toString();
    }
}
