package dev.forge.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256/384/512 with the shared {@code JWT_SECRET}. Done here rather than by the JOSE library's MAC classes because
 * those refuse keys under 256 bits, and development mode accepts shorter secrets (production refuses them at start).
 */
final class HmacKey {

    private final byte[] secret;

    HmacKey(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    boolean verifies(SignedJWT jwt) {
        String javaName = javaName(jwt.getHeader().getAlgorithm());
        if (javaName == null) {
            return false;
        }
        byte[] expected = mac(javaName, jwt.getSigningInput());
        return MessageDigest.isEqual(expected, jwt.getSignature().decode());
    }

    /** A compact HS256 token carrying these claims. */
    String sign(JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();
        Base64URL head = header.toBase64URL();
        Base64URL payload = Base64URL.encode(claims.toString());
        byte[] input = (head + "." + payload).getBytes(StandardCharsets.US_ASCII);
        Base64URL signature = Base64URL.encode(mac("HmacSHA256", input));
        try {
            return new SignedJWT(head, payload, signature).serialize();
        } catch (ParseException e) {
            throw new IllegalStateException("a token we just built does not parse", e);
        }
    }

    private byte[] mac(String javaName, byte[] input) {
        try {
            Mac mac = Mac.getInstance(javaName);
            mac.init(new SecretKeySpec(secret, javaName));
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(javaName + " is not available", e);
        }
    }

    static boolean isHmac(JWSAlgorithm alg) {
        return javaName(alg) != null;
    }

    private static String javaName(JWSAlgorithm alg) {
        if (JWSAlgorithm.HS256.equals(alg)) return "HmacSHA256";
        if (JWSAlgorithm.HS384.equals(alg)) return "HmacSHA384";
        if (JWSAlgorithm.HS512.equals(alg)) return "HmacSHA512";
        return null;
    }
}
