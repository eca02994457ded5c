package dev.forge.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console's sign-ins: a browser that signed in with a token or the basic-auth password holds an unguessable
 * cookie standing for that credential, which stays in this process. Each request with the cookie is checked as if
 * it carried the credential itself (so a revoked or expired token ends the sign-in at once), and the cookie never
 * holds anything a thief could use elsewhere. Bounded: the oldest sign-ins go first; idle ones end after
 * {@link #IDLE}.
 */
public final class ConsoleSessions {

    public static final String COOKIE = "forge_console";
    static final Duration IDLE = Duration.ofHours(8);
    static final int MAX = 10_000;

    private record SignIn(String authorization, Instant lastUsed) {}

    private final Map<String, SignIn> signIns = new LinkedHashMap<>(16, 0.75f, true);
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    /** Starts a sign-in for a credential already checked; the id is the cookie's value. */
    public synchronized String open(String authorization) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        signIns.put(id, new SignIn(authorization, clock.instant()));
        Iterator<Map.Entry<String, SignIn>> oldest = signIns.entrySet().iterator();
        while (signIns.size() > MAX && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        return id;
    }

    /** The credential a cookie stands for, or null when it stands for none (unknown, signed out, idle too long). */
    synchronized String authorization(String id) {
        SignIn signIn = id == null ? null : signIns.get(id);
        if (signIn == null) {
            return null;
        }
        Instant now = clock.instant();
        if (signIn.lastUsed().plus(IDLE).isBefore(now)) {
            signIns.remove(id);
            return null;
        }
        signIns.put(id, new SignIn(signIn.authorization(), now));
        return signIn.authorization();
    }

    public synchronized void close(String id) {
        if (id != null) {
            signIns.remove(id);
        }
    }
}
