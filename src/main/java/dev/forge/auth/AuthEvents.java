package dev.forge.auth;

import dev.forge.store.TokenRecord;

/**
 * What authentication reports for the audit trail. The audit log implements it; auth only names the events, so the
 * audit package (which also decorates MCP handlers) can sit above auth rather than beside it.
 */
public interface AuthEvents {

    void authFailure(String address, String method, String path, String reason);

    void accessDenied(String subject, String address, String method, String path, String needed);

    void rateLimited(String chargedTo, String method, String path);

    void tokenIssued(TokenRecord token, String by);

    void tokenRevoked(String tokenId, String by);
}
