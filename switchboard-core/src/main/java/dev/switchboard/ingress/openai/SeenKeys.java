package dev.switchboard.ingress.openai;

import java.util.HashSet;
import java.util.Set;

/**
 * The keys seen so far in one JSON object, to refuse a key given twice: the gateway reads one occurrence, and a
 * provider given the same bytes may read the other. A short array while objects are small (the usual case, no
 * hashing), a set beyond that so a hostile object with many keys stays linear. One per decode; not thread-safe.
 */
final class SeenKeys {
    private final String[] names;
    private int size;
    private Set<String> many;

    /** @param arrayLimit how many keys to compare one by one before hashing */
    SeenKeys(int arrayLimit) {
        names = new String[arrayLimit];
    }

    void clear() {
        size = 0;
        many = null;
    }

    /** False when the name was already seen in this object. */
    boolean add(String name) {
        if (many != null) {
            return many.add(name);
        }
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return false;
            }
        }
        if (size < names.length) {
            names[size++] = name;
            return true;
        }
        many = new HashSet<>();
        for (int i = 0; i < size; i++) {
            many.add(names[i]);
        }
        return many.add(name);
    }
}
