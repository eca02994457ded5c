package dev.forge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.forge.config.SecurityConfig;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Turns a bearer token into a {@link Principal}, or says why not. HS256/384/512 tokens are checked with
 * {@code JWT_SECRET}; RS/PS/ES tokens with the keys published at {@code JWT_JWKS_URL}. {@code exp} and a non-empty
 * {@code sub} are required, a {@code crit} header is refused (no extension is understood), {@code nbf} is honoured, {@code aud} and {@code iss} must match when configured, and a token whose
 * {@code jti} is revoked is refused. Accepted tokens are remembered (bounded) so the hot path verifies a token once.
 */
public final class TokenVerifier {

    private static final Set<JWSAlgorithm> KEY_PAIR_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    private static final int CLOCK_SKEW_SECONDS = 60;

    private final HmacKey hmac;
    private final DefaultJWTProcessor<SecurityContext> keyPairs;
    private final DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier;
    private final Role defaultRole;
    private final String audience;
    private final String issuer;
    private final Revocations revocations;
    private final Clock clock;
    private final Cache<String, Principal> accepted = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(5)).build();

    public TokenVerifier(SecurityConfig config, Revocations revocations, Clock clock) {
        this.hmac = config.jwtSecret() == null ? null : new HmacKey(config.jwtSecret());
        this.keyPairs = config.jwksUrl() == null ? null : keyPairProcessor(config);
        this.claimsVerifier = claimsVerifier(config);
        this.defaultRole = Role.parse(config.defaultRole());
        this.audience = config.audience();
        this.issuer = config.issuer();
        this.revocations = revocations;
        this.clock = clock;
    }

    /**
     * The principal of a token accepted before and still valid, or null if this token was not seen (then
     * {@link #verify} does the signature work); an expired or since-revoked one is refused.
     */
    public Principal accepted(String token) {
        Principal cached = accepted.getIfPresent(token);
        return cached == null ? null : stillValid(cached);
    }

    public Principal verify(String token) {
        Principal cached = accepted(token);
        if (cached != null) {
            return cached;
        }
        JWTClaimsSet claims = claims(parse(token));
        try {
            claimsVerifier.verify(claims, null);
        } catch (BadJWTException e) {
            String why = e.getMessage();
            String expected = why.contains(" aud ") && audience != null ? " (expected audience: " + audience + ")"
                    : why.contains(" iss ") && issuer != null ? " (expected issuer: " + issuer + ")" : "";
            throw new AuthException("token refused: " + why + expected);
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank()) { // present but empty passes the claims verifier, and names nobody
            throw new AuthException("token refused: sub is empty (expected: the subject the token was issued to)");
        }
        Principal principal = principal(claims);
        stillValid(principal);
        accepted.put(token, principal);
        return principal;
    }

    private Principal stillValid(Principal principal) {
        if (!clock.instant().isBefore(principal.expiresAt().plusSeconds(CLOCK_SKEW_SECONDS))) {
            throw new AuthException("token refused: expired at " + principal.expiresAt());
        }
        if (principal.tokenId() != null && revocations.revoked(principal.tokenId())) {
            throw new AuthException("token refused: it was revoked (jti " + principal.tokenId() + ")");
        }
        return principal;
    }

    private static JWT parse(String token) {
        try {
            return JWTParser.parse(token);
        } catch (ParseException e) {
            throw new AuthException("token refused: not a JWT (" + e.getMessage() + ")");
        }
    }

    private JWTClaimsSet claims(JWT jwt) {
        if (!(jwt instanceof SignedJWT signed)) {
            throw new AuthException("token refused: unsigned or encrypted tokens are not accepted (alg "
                    + jwt.getHeader().getAlgorithm() + ")");
        }
        Set<String> critical = signed.getHeader().getCriticalParams();
        if (critical != null && !critical.isEmpty()) { // RFC 7515 §4.1.11: we understand no extension, so none may be critical
            throw new AuthException("token refused: unsupported critical header parameter " + String.join(", ", critical)
                    + " (expected: no crit header)");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        try {
            if (HmacKey.isHmac(alg)) {
                if (hmac == null) {
                    throw new AuthException("token refused: " + alg + " tokens are not accepted (no JWT_SECRET is configured)");
                }
                if (!hmac.verifies(signed)) {
                    throw new AuthException("token refused: invalid signature");
                }
                return signed.getJWTClaimsSet();
            }
            if (KEY_PAIR_ALGORITHMS.contains(alg)) {
                if (keyPairs == null) {
                    throw new AuthException("token refused: " + alg + " tokens are not accepted (no JWT_JWKS_URL is configured)");
                }
                return keyPairs.process(signed, null);
            }
            throw new AuthException("token refused: algorithm " + alg + " is not accepted");
        } catch (ParseException e) {
            throw new AuthException("token refused: unreadable claims");
        } catch (BadJOSEException e) {
            throw new AuthException("token refused: " + e.getMessage());
        } catch (JOSEException e) {
            throw new AuthException("token refused: the signing keys could not be checked (" + e.getMessage() + ")");
        }
    }

    private Principal principal(JWTClaimsSet claims) {
        Role role = role(claims);
        List<String> scopes = new ArrayList<>();
        Object scope = claims.getClaim("scope");
        Object scp = scope != null ? scope : claims.getClaim("scp");
        if (scp instanceof String s) {
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) scopes.add(part);
            }
        } else if (scp instanceof List<?> list) {
            list.forEach(item -> scopes.add(String.valueOf(item)));
        }
        List<String> tools = new ArrayList<>();
        if (claims.getClaim("tools") instanceof List<?> list) {
            list.forEach(item -> tools.add(String.valueOf(item)));
        }
        Date exp = claims.getExpirationTime();
        return Principal.of(claims.getSubject(), role, scopes, tools, claims.getJWTID(), exp.toInstant());
    }

    /** {@code role}, or the strongest of {@code roles}; a token naming roles that are none of ours gets the weakest. */
    private Role role(JWTClaimsSet claims) {
        Object role = claims.getClaim("role");
        Object roles = role != null ? List.of(role) : claims.getClaim("roles");
        if (!(roles instanceof List<?> list)) {
            return defaultRole;
        }
        Role strongest = null;
        for (Object name : list) {
            Role r = Role.parse(String.valueOf(name));
            if (r != null && (strongest == null || r.ordinal() < strongest.ordinal())) {
                strongest = r;
            }
        }
        return strongest == null ? Role.VIEWER : strongest;
    }

    private static DefaultJWTProcessor<SecurityContext> keyPairProcessor(SecurityConfig config) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(config.jwksUrl().toURL()).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWT_JWKS_URL: " + config.jwksUrl(), e);
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(KEY_PAIR_ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier((claims, context) -> { }); // checked once for both kinds, below
        return processor;
    }

    private static DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier(SecurityConfig config) {
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (config.issuer() != null) {
            exact.issuer(config.issuer());
        }
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(
                config.audience() == null ? null : Set.of(config.audience()), exact.build(), Set.of("exp", "sub"), null);
        verifier.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        return verifier;
    }
}
