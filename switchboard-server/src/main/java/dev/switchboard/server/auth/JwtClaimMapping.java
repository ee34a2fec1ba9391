package dev.switchboard.server.auth;

import java.util.List;

/**
 * Which token claims describe the caller.
 *
 * @param nameClaim      the caller's name (default {@code sub}); required in every token
 * @param teamClaim      the caller's team (default {@code team}); optional in the token
 * @param metadataClaims claims copied into the caller's metadata, as text (default none)
 * @param modelsClaim    claim listing the models the caller may use (a JSON array or a space/comma separated
 *                       string); null when tokens do not restrict models
 */
public record JwtClaimMapping(String nameClaim, String teamClaim, List<String> metadataClaims, String modelsClaim) {
    public static final JwtClaimMapping DEFAULT = new JwtClaimMapping(null, null, null, null);

    public JwtClaimMapping {
        nameClaim = blankToNull(nameClaim) == null ? "sub" : nameClaim.strip();
        teamClaim = blankToNull(teamClaim) == null ? "team" : teamClaim.strip();
        metadataClaims = metadataClaims == null ? List.of() : List.copyOf(metadataClaims);
        modelsClaim = blankToNull(modelsClaim);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
