package dev.switchboard.config;

import java.util.List;

/** CIDR allow and deny lists (validated at load); deny wins, an empty allow list admits every address. */
public record IpRulesConfig(List<String> allow, List<String> deny) {
    public static final IpRulesConfig NONE = new IpRulesConfig(List.of(), List.of());

    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty();
    }
}
