package dev.switchboard.auth;

import java.net.InetAddress;
import java.util.List;

/** Allow and deny ranges for one scope (global, team or key). Deny wins; an empty allow list allows everyone. */
public record IpRules(CidrSet allow, CidrSet deny) {
    public static final IpRules ALLOW_ALL = new IpRules(CidrSet.EMPTY, CidrSet.EMPTY);

    public IpRules {
        allow = allow == null ? CidrSet.EMPTY : allow;
        deny = deny == null ? CidrSet.EMPTY : deny;
    }

    /** Parses config strings such as "10.0.0.0/8" or "2001:db8::1"; null lists mean empty. */
    public static IpRules parse(List<String> allow, List<String> deny) {
        return new IpRules(CidrSet.parse(allow), CidrSet.parse(deny));
    }

    public boolean permits(byte[] address) {
        if (deny.contains(address)) {
            return false;
        }
        return allow.isEmpty() || allow.contains(address);
    }

    public boolean permits(InetAddress address) {
        return permits(address.getAddress());
    }

    public boolean isAllowAll() {
        return allow.isEmpty() && deny.isEmpty();
    }
}
