package dev.switchboard.testing;

import java.util.ArrayList;
import java.util.List;

/** Splits a gateway event stream (canonical LF framing) into its events' data, for assertions. */
public final class SseEvents {
    private SseEvents() {}

    /** The data of each event, multi-line data joined with LF; events without data are skipped. */
    public static List<String> data(String stream) {
        List<String> out = new ArrayList<>();
        for (String block : stream.split("\n\n")) {
            StringBuilder data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("data:")) {
                    String v = line.substring(5);
                    v = v.startsWith(" ") ? v.substring(1) : v;
                    data = data == null ? new StringBuilder(v) : data.append('\n').append(v);
                }
            }
            if (data != null) {
                out.add(data.toString());
            }
        }
        return out;
    }

    /** An OpenAI chat chunk carrying this content delta, as an upstream would send it. */
    public static String chunk(String content) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}";
    }
}
