package dev.switchboard.server.engine;

import java.util.List;

/**
 * The value of {@code x-switchboard-dropped-params}: the dropped names, comma-separated, in request order, cut to
 * about {@link #MAX_CHARS} characters and then closed by {@code +N more}. The list is as long as the client made its
 * request (thousands of unknown fields, a long history of server-tool blocks), and HTTP clients refuse responses
 * whose headers are large (Node's parser at 16 KiB): the answer must stay readable.
 */
final class DroppedParamsHeader {
    static final int MAX_CHARS = 1024;

    private DroppedParamsHeader() {}

    static String value(List<String> dropped) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < dropped.size(); i++) {
            String name = dropped.get(i);
            if (i > 0 && out.length() + 1 + name.length() > MAX_CHARS) {
                break;
            }
            if (i > 0) {
                out.append(',');
            }
            out.append(name);
        }
        return i < dropped.size() ? out + ",+" + (dropped.size() - i) + " more" : out.toString();
    }
}
