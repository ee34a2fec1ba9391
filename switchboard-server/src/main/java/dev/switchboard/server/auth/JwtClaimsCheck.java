package dev.switchboard.server.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.server.auth.JwtRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;

/** Time, issuer and audience checks on a token whose signature is already verified. */
final class JwtClaimsCheck {
    private final String issuer;
    private final List<String> audiences;
    private final long skewMillis;
    private final Clock clock;

    JwtClaimsCheck(String issuer, List<String> audiences, Duration skew, Clock clock) {
        this.issuer = issuer;
        this.audiences = audiences;
        this.skewMillis = skew.toMillis();
        this.clock = clock;
    }

    void check(JWTClaimsSet claims) {
        long now = clock.millis();
        Date exp = claims.getExpirationTime();
        // A token without an expiry would be valid forever; refuse it.
        if (exp == null) {
            throw new JwtRejectedException(Reason.MISSING_CLAIM, "token has no expiry (exp)");
        }
        if (now > exp.getTime() + skewMillis) {
            throw new JwtRejectedException(Reason.EXPIRED);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now + skewMillis < nbf.getTime()) {
            throw new JwtRejectedException(Reason.NOT_YET_VALID);
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now + skewMillis < iat.getTime()) {
            throw new JwtRejectedException(Reason.NOT_YET_VALID, "token is issued in the future");
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw new JwtRejectedException(Reason.WRONG_ISSUER);
        }
        List<String> tokenAudiences = claims.getAudience();
        if (tokenAudiences == null || tokenAudiences.stream().noneMatch(audiences::contains)) {
            throw new JwtRejectedException(Reason.WRONG_AUDIENCE);
        }
    }
}
