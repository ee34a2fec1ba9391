package dev.switchboard.auth;

import java.net.InetAddress;

/**
 * The gateway-wide IP rules combined with a caller's team and key rules: the address must pass all three. The answer
 * names the scope that refused, never the ranges, so it can go into a 403 message.
 */
public final class IpPolicy {
    /** Which rule set refused an address. */
    public enum Scope { GLOBAL, TEAM, KEY }

    /** Allowed, or refused by the named scope. */
    public record Decision(boolean allowed, Scope refusedBy) {
        static final Decision ALLOWED = new Decision(true, null);

        public String message() {
            return allowed ? "allowed" : "client address not allowed by " + refusedBy.name().toLowerCase() + " IP rules";
        }
    }

    private final IpRules global;

    public IpPolicy(IpRules global) {
        this.global = global == null ? IpRules.ALLOW_ALL : global;
    }

    /** Checks the global rules and the caller's team and key rules (either may be null for none). */
    public Decision check(InetAddress client, IpRules team, IpRules key) {
        return check(client.getAddress(), team, key);
    }

    public Decision check(byte[] client, IpRules team, IpRules key) {
        if (!global.permits(client)) {
            return new Decision(false, Scope.GLOBAL);
        }
        if (team != null && !team.permits(client)) {
            return new Decision(false, Scope.TEAM);
        }
        if (key != null && !key.permits(client)) {
            return new Decision(false, Scope.KEY);
        }
        return Decision.ALLOWED;
    }

    /** Only the global rules, for a check before the caller is known. */
    public boolean permitsGlobally(InetAddress client) {
        return global.permits(client.getAddress());
    }

    public IpRules global() {
        return global;
    }
}
