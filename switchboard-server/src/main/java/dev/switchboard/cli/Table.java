package dev.switchboard.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns as wide as their widest cell. */
final class Table {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers;
    }

    Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (String[] r : rows) {
                widths[i] = Math.max(widths[i], r[i] == null ? 1 : r[i].length());
            }
        }
        line(out, headers, widths);
        rows.forEach(r -> line(out, r, widths));
    }

    private static void line(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i] == null ? "-" : cells[i];
            sb.append(c);
            if (i < cells.length - 1) {
                sb.append(" ".repeat(widths[i] - c.length() + 2));
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
