package dev.forge.ratelimit;

import dev.forge.audit.AuditLog;
import dev.forge.auth.ClientAddress;
import dev.forge.auth.Principal;
import dev.forge.auth.Surface;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import io.javalin.http.Context;

/**
 * {@code RATE_LIMIT_PER_MINUTE} per principal (per client address when nobody signed in), on the MCP endpoints and
 * the admin API; issuing tokens also draws on the stricter per-address budget for authentication. Over the limit:
 * 429 with {@code Retry-After}, and on MCP paths a JSON-RPC error body; the connection is never dropped.
 */
public final class RateLimitGuard {

    private final RateLimiter requests;
    private final RateLimiter authentication;
    private final boolean metricsPublic;
    private final AuditLog audit;

    public RateLimitGuard(RateLimiter requests, RateLimiter authentication, boolean metricsPublic, AuditLog audit) {
        this.requests = requests;
        this.authentication = authentication;
        this.metricsPublic = metricsPublic;
        this.audit = audit;
    }

    /** True if the request may go on; otherwise the 429 has been written. */
    public boolean admit(Context ctx) {
        Surface surface = Surface.of(ctx.path());
        // signing out is open (it must work when the sign-in cannot be read) but not free: it is charged to the address
        if ((surface == Surface.OPEN && !ctx.path().equals("/admin/logout")) || (surface == Surface.METRICS && metricsPublic)) {
            return true;
        }
        String chargedTo = Principal.of(ctx).chargedTo(ClientAddress.of(ctx));
        long wait = requests.tryAcquire(chargedTo);
        if (wait == 0 && ctx.path().equals("/tokens") && ctx.method().name().equals("POST")) {
            chargedTo = "auth:" + ClientAddress.of(ctx);
            wait = authentication.tryAcquire(chargedTo);
        }
        if (wait == 0) {
            return true;
        }
        refuse(ctx, surface, chargedTo, wait, "");
        return false;
    }

    /**
     * A batch of {@code entries} on an MCP path, whose HTTP request has paid for one entry already: the rest are taken
     * at once or none is, so each entry costs what it would cost sent alone. True if the batch may run; otherwise the
     * 429 has been written.
     */
    public boolean admitBatch(Context ctx, int entries) {
        if (entries <= 1) {
            return true;
        }
        String chargedTo = Principal.of(ctx).chargedTo(ClientAddress.of(ctx));
        long wait = requests.tryAcquire(chargedTo, entries - 1);
        if (wait == 0) {
            return true;
        }
        // the whole budget comes back each minute, so a longer wait means the batch is larger than the budget
        refuse(ctx, Surface.MCP, chargedTo, wait, " (a batch of " + entries + " entries counts as " + entries + " requests"
                + (wait > 60_000_000_000L ? ", more than the budget of a minute: send fewer entries)" : ")"));
        return false;
    }

    private void refuse(Context ctx, Surface surface, String chargedTo, long wait, String why) {
        // a batch larger than the whole budget never fits; a minute is the most worth waiting
        long seconds = Math.min(60, Math.max(1, wait / 1_000_000_000L + (wait % 1_000_000_000L == 0 ? 0 : 1)));
        audit.rateLimited(chargedTo, ctx.method().name(), ctx.path());
        String message = "Too Many Requests: rate limit exceeded for " + chargedTo + why + "; retry after " + seconds + " s";
        ctx.header("Retry-After", Long.toString(seconds));
        ctx.status(429).contentType("application/json");
        ctx.result(Json.bytes(surface == Surface.MCP
                ? Message.error(null, new JsonRpcError(JsonRpcError.RATE_LIMITED, message)).node()
                : Json.object().put("error", "rate_limited").put("message", message)));
    }
}
