package dev.forge.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console's sign-ins held by this process alone. Bounded: the oldest sign-ins go first, and one credential holds
 * at most {@link ConsoleSessions#PER_CREDENTIAL}.
 */
final class LocalSignIns implements SignInStore {

    private record SignIn(String authorization, Instant started, Instant lastUsed) {}

    private final Map<String, SignIn> signIns = new LinkedHashMap<>(16, 0.75f, true);
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    LocalSignIns(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized String open(String authorization) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        Instant now = clock.instant();
        long same = signIns.values().stream().filter(s -> s.authorization().equals(authorization)).count();
        Iterator<Map.Entry<String, SignIn>> ofThisOne = signIns.entrySet().iterator();
        while (same >= ConsoleSessions.PER_CREDENTIAL && ofThisOne.hasNext()) { // least recently used first
            if (ofThisOne.next().getValue().authorization().equals(authorization)) {
                ofThisOne.remove();
                same--;
            }
        }
        signIns.put(id, new SignIn(authorization, now, now));
        Iterator<Map.Entry<String, SignIn>> oldest = signIns.entrySet().iterator();
        while (signIns.size() > ConsoleSessions.MAX && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        return id;
    }

    @Override
    public synchronized String authorization(String id, boolean byAPerson) {
        SignIn signIn = id == null ? null : signIns.get(id);
        if (signIn == null) {
            return null;
        }
        Instant now = clock.instant();
        if (signIn.lastUsed().plus(ConsoleSessions.IDLE).isBefore(now) || signIn.started().plus(ConsoleSessions.LIFETIME).isBefore(now)) {
            signIns.remove(id);
            return null;
        }
        if (byAPerson) {
            signIns.put(id, new SignIn(signIn.authorization(), signIn.started(), now));
        }
        return signIn.authorization();
    }

    @Override
    public synchronized boolean close(String id) {
        if (id != null) {
            signIns.remove(id);
        }
        return true;
    }
}
