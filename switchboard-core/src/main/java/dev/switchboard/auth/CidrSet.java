package dev.switchboard.auth;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** An immutable list of ranges; an address matches when any range contains it. */
public final class CidrSet {
    public static final CidrSet EMPTY = new CidrSet(List.of());

    private final List<CidrRange> ranges;

    public CidrSet(List<CidrRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** Parses each entry with {@link CidrRange#parse}; the first bad entry fails the whole list. */
    public static CidrSet parse(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            return EMPTY;
        }
        List<CidrRange> out = new ArrayList<>(entries.size());
        for (String e : entries) {
            out.add(CidrRange.parse(e));
        }
        return new CidrSet(out);
    }

    public boolean contains(byte[] address) {
        for (CidrRange r : ranges) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public List<CidrRange> ranges() {
        return ranges;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
