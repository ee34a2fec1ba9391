package dev.switchboard.server.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.server.auth.JwtRejectedException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns verified claims into an {@link Identity} according to a {@link JwtClaimMapping}. */
final class IdentityMapper {
    private final JwtClaimMapping mapping;

    IdentityMapper(JwtClaimMapping mapping) {
        this.mapping = mapping;
    }

    Identity map(JWTClaimsSet claims) {
        String name = asText(claims.getClaim(mapping.nameClaim()));
        if (name == null || name.isBlank()) {
            throw new JwtRejectedException(Reason.MISSING_CLAIM, "token lacks the '" + mapping.nameClaim() + "' claim");
        }
        String team = asText(claims.getClaim(mapping.teamClaim()));
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String claim : mapping.metadataClaims()) {
            String value = asText(claims.getClaim(claim));
            if (value != null) {
                metadata.put(claim, value);
            }
        }
        List<String> models = mapping.modelsClaim() == null ? null : models(claims.getClaim(mapping.modelsClaim()));
        return new Identity(name, team, metadata, models);
    }

    /** A claim value as text: strings as they are, lists joined by commas, objects as JSON. */
    private static String asText(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>(list.size());
            for (Object o : list) {
                parts.add(asText(o));
            }
            return String.join(",", parts);
        }
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, ?> object = (Map<String, ?>) map;
            return JSONObjectUtils.toJSONString(object);
        }
        return value.toString();
    }

    /** Models from a JSON array of strings or a space/comma separated string; null when the claim is absent. */
    private static List<String> models(Object value) {
        if (value == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new JwtRejectedException(Reason.MALFORMED, "token models claim must hold strings");
                }
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        } else if (value instanceof String s) {
            Arrays.stream(s.split("[\\s,]+")).filter(p -> !p.isEmpty()).forEach(out::add);
        } else {
            throw new JwtRejectedException(Reason.MALFORMED, "token models claim must be a list or a string");
        }
        return out;
    }
}
