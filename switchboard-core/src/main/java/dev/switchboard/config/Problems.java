package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;

/** Collects validation problems so that one run reports all of them, each prefixed by its path. */
final class Problems {
    private final List<String> list = new ArrayList<>();

    void add(String path, String message) {
        list.add(path.isEmpty() ? message : path + ": " + message);
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<String> list() {
        return list;
    }
}
