package dev.forge.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** JWTs made the way an identity provider or an attacker would, for tests of what Forge accepts. */
public final class Tokens {

    private Tokens() {}

    /** Claims valid for an hour from now, with a fresh {@code jti}. */
    public static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    }

    public static String hs256(String secret, JWTClaimsSet claims) {
        try {
            return sign(new MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims);
        } catch (com.nimbusds.jose.KeyLengthException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static String sign(JWSSigner signer, JWSAlgorithm alg, JWTClaimsSet claims) {
        return sign(signer, new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
    }

    public static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP request with a bearer token (none when {@code token} is null) and a JSON body (none when null). */
    public static HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return RawMcp.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** initialize on an MCP endpoint with a token; the session id, or null with the refusal in {@code refused}. */
    public static HttpResponse<String> initialize(String url, String token) throws Exception {
        return send("POST", url, token, RawMcp.initializeBody("{}"));
    }
}
