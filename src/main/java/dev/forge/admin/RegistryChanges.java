package dev.forge.admin;

import dev.forge.audit.AuditLog;
import dev.forge.auth.Principal;
import io.javalin.http.Context;

/**
 * A change the console made to the registry, told as the admin API tells its own: the same audit line (with the
 * API's method and path for the change, so that one search finds a change whichever way it was made) and, when it
 * worked, the other replicas told to read the registry again. The API's requests get both from the listener's
 * after-filter; the console's pages are another surface, so their changes say it here.
 */
public final class RegistryChanges {

    private final AuditLog audit;
    private final Runnable replicas;

    /** @param replicas told after every change that worked (to tell the other replicas) */
    public RegistryChanges(AuditLog audit, Runnable replicas) {
        this.audit = audit;
        this.replicas = replicas;
    }

    /** A test connection tried from the console: audited, since it may start a process or reach an address. */
    void tried(Context ctx, String gateway, String transport, String outcome) {
        audit.gatewayTrial(Principal.of(ctx).subject(), gateway, transport, outcome);
    }

    /** One change: {@code method} and {@code apiPath} as the admin API would have been asked, and its status. */
    void record(Context ctx, String method, String apiPath, int status) {
        audit.registryChange(Principal.of(ctx).subject(), method, apiPath, status);
        if (status >= 200 && status < 300) {
            replicas.run();
        }
    }
}
