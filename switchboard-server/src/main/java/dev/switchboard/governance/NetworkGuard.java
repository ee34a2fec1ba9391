package dev.switchboard.governance;

import dev.switchboard.access.ClientKey;
import dev.switchboard.auth.CidrSet;
import dev.switchboard.auth.ClientAddress;
import dev.switchboard.auth.IpPolicy;
import dev.switchboard.auth.IpRules;
import dev.switchboard.config.IpRulesConfig;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies the IP allow and deny lists (global, the caller's team, the caller's key) to the client's address:
 * the peer's, or from {@code X-Forwarded-For} when the peer is a trusted proxy. Rules are compiled once per
 * distinct list; a request pays nothing when no rule applies to it.
 */
public final class NetworkGuard {
    private final IpPolicy global;
    private final boolean globalEmpty;
    private final CidrSet trustedProxies;
    private final Map<IpRulesConfig, IpRules> compiled = new ConcurrentHashMap<>();

    public NetworkGuard(IpRulesConfig global, List<String> trustedProxies) {
        this.global = new IpPolicy(IpRules.parse(global.allow(), global.deny()));
        this.globalEmpty = global.isEmpty();
        this.trustedProxies = CidrSet.parse(trustedProxies);
    }

    /** The key, when its request may come from where it comes from; a 403 otherwise. */
    public ClientKey check(CallerRequest req, ClientKey key) {
        IpRulesConfig team = key.teamQuota().ip();
        IpRulesConfig own = key.quota().ip();
        if (globalEmpty && team.isEmpty() && own.isEmpty()) {
            return key;
        }
        ClientAddress client;
        try {
            client = ClientAddress.resolve(req.remoteAddress(), req.headers("x-forwarded-for"),
                    trustedProxies);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorKind.ADDRESS_NOT_ALLOWED, "The client address could not be determined.");
        }
        IpPolicy.Decision d = global.check(client.address(), rules(team), rules(own));
        if (!d.allowed()) {
            throw new GatewayException(ErrorKind.ADDRESS_NOT_ALLOWED, d.message() + ".");
        }
        return key;
    }

    /** Whether global allow/deny rules exist (without them no request is refused before its key is known). */
    public boolean hasGlobalRules() {
        return !globalEmpty;
    }

    /** A peer whose X-Forwarded-For is believed: the client behind it is known per request, not per connection. */
    public boolean trustsProxy(InetAddress peer) {
        return trustedProxies.contains(peer);
    }

    /**
     * The global rules alone, on a request head, before any key is looked up: null when the client may go on, else the
     * 403. {@code forwardedFor} counts only when the peer is a trusted proxy.
     */
    public GatewayException globalRefusal(String peer, List<String> forwardedFor) {
        if (globalEmpty) {
            return null;
        }
        ClientAddress client;
        try {
            client = ClientAddress.resolve(peer, forwardedFor, trustedProxies);
        } catch (IllegalArgumentException e) {
            return new GatewayException(ErrorKind.ADDRESS_NOT_ALLOWED, "The client address could not be determined.");
        }
        return global.permitsGlobally(client.address()) ? null : GLOBAL_REFUSAL.get();
    }

    private static final java.util.function.Supplier<GatewayException> GLOBAL_REFUSAL = () ->
            new GatewayException(ErrorKind.ADDRESS_NOT_ALLOWED, new IpPolicy.Decision(false, IpPolicy.Scope.GLOBAL).message() + ".");

    private IpRules rules(IpRulesConfig c) {
        if (c.isEmpty()) {
            return null;
        }
        return compiled.computeIfAbsent(c, k -> IpRules.parse(k.allow(), k.deny()));
    }
}
