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
 * holds anything a thief could use elsewhere. Bounded: the oldest sign-ins go first, and one credential holds at
 * most {@link #PER_CREDENTIAL}; a sign-in ends after {@link #IDLE} without a person's request (a page's own refreshes
 * do not count) and after {@link #LIFETIME} whatever happens.
 */
public final class ConsoleSessions {

    public static final String COOKIE = "forge_console";
    static final Duration IDLE = Duration.ofHours(8);
    static final Duration LIFETIME = Duration.ofHours(24);
    static final int MAX = 10_000;
    /** Sign-ins of one credential at once: a flood of them cannot push everyone else's out. */
    static final int PER_CREDENTIAL = 20;

    private record SignIn(String authorization, Instant started, Instant lastUsed) {}

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
        Instant now = clock.instant();
        long same = signIns.values().stream().filter(s -> s.authorization().equals(authorization)).count();
        Iterator<Map.Entry<String, SignIn>> ofThisOne = signIns.entrySet().iterator();
        while (same >= PER_CREDENTIAL && ofThisOne.hasNext()) { // least recently used first
            if (ofThisOne.next().getValue().authorization().equals(authorization)) {
                ofThisOne.remove();
                same--;
            }
        }
        signIns.put(id, new SignIn(authorization, now, now));
        Iterator<Map.Entry<String, SignIn>> oldest = signIns.entrySet().iterator();
        while (signIns.size() > MAX && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        return id;
    }

    /**
     * The credential a cookie stands for, or null when it stands for none (unknown, signed out, idle or open too
     * long). {@code byAPerson}: a request someone made, which keeps the sign-in alive; a page's refresh does not.
     */
    synchronized String authorization(String id, boolean byAPerson) {
        SignIn signIn = id == null ? null : signIns.get(id);
        if (signIn == null) {
            return null;
        }
        Instant now = clock.instant();
        if (signIn.lastUsed().plus(IDLE).isBefore(now) || signIn.started().plus(LIFETIME).isBefore(now)) {
            signIns.remove(id);
            return null;
        }
        if (byAPerson) {
            signIns.put(id, new SignIn(signIn.authorization(), signIn.started(), now));
        }
        return signIn.authorization();
    }

    public synchronized void close(String id) {
        if (id != null) {
            signIns.remove(id);
        }
    }
}
