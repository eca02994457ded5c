package dev.forge;

import dev.forge.audit.AuditLog;
import dev.forge.auth.AccessGuard;
import dev.forge.auth.ClientAddress;
import dev.forge.auth.FailedLogins;
import dev.forge.auth.Principal;
import dev.forge.auth.ResourceMetadata;
import dev.forge.auth.Revocations;
import dev.forge.auth.TokenService;
import dev.forge.auth.TokenVerifier;
import dev.forge.config.SecurityConfig;
import dev.forge.ratelimit.BucketRateLimiter;
import dev.forge.ratelimit.RateLimitGuard;
import dev.forge.ratelimit.RateLimiter;
import dev.forge.ratelimit.RedisBuckets;
import dev.forge.store.Database;
import dev.forge.store.RedisLink;
import dev.forge.store.TokenRepository;
import dev.forge.transport.ResponseHeaders;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security half of the assembly: audit log, tokens, rate limits and the guards that use them, wired in one place
 * so {@link Gateway} only puts the guards in order.
 */
final class Security implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Security.class);

    final AuditLog audit;
    final TokenService tokens;
    final ClientAddress clientAddress;
    final ResponseHeaders headers;
    final AccessGuard access;
    /** Browsers signed in to the console. */
    final dev.forge.auth.ConsoleSessions consoleSignIns;
    final RateLimitGuard rateLimits;
    final ResourceMetadata resourceMetadata;
    private final RedisLink redis;
    private final RedisBuckets buckets;

    /** {@code serverName}: a virtual server's name from the id or name in its path. */
    Security(SecurityConfig config, Set<String> allowedOrigins, Database database, UnaryOperator<String> serverName,
             ScheduledExecutorService scheduler, Duration connectTimeout, Clock clock) {
        this.audit = AuditLog.open(config.auditLog(), config.logRetention(), config.auditArguments(), clock);
        TokenRepository tokenRepository = new TokenRepository(database, clock);
        Revocations revocations = new Revocations(tokenRepository);
        revocations.reloadEvery(scheduler);
        this.tokens = new TokenService(config, tokenRepository, revocations, audit, clock);
        this.redis = config.redisUrl() == null ? null : new RedisLink(config.redisUrl(), connectTimeout);
        this.buckets = redis == null ? null : new RedisBuckets(redis);
        if (redis != null) { // replicas hear of a revocation at once instead of at their next reload
            revocations.listenOn(redis);
            revocations.announceOn(redis);
        }
        RateLimiter requestBudget = budget("requests", config.rateLimitPerMinute());
        RateLimiter authBudget = budget("auth", config.authRateLimitPerMinute());
        this.clientAddress = new ClientAddress(config.trustedProxies());
        this.headers = new ResponseHeaders(config.corsEnabled(), allowedOrigins);
        // with Redis, a browser signed in through one replica is signed in on all
        this.consoleSignIns = redis == null ? new dev.forge.auth.ConsoleSessions(clock) : new dev.forge.auth.ConsoleSessions(clock, redis);
        this.access = new AccessGuard(config, new TokenVerifier(config, revocations, clock), failedLogins(authBudget), audit,
                serverName, consoleSignIns);
        this.rateLimits = new RateLimitGuard(requestBudget, authBudget, config.metricsPublic(), audit);
        this.resourceMetadata = new ResourceMetadata(config);
        explain(config);
    }

    private static FailedLogins failedLogins(RateLimiter budget) {
        return new FailedLogins() {
            @Override
            public long waitNanos(String key) {
                return budget.waitNanos(key);
            }

            @Override
            public void count(String key) {
                budget.tryAcquire(key);
            }
        };
    }

    private RateLimiter budget(String name, int perMinute) {
        return buckets == null ? BucketRateLimiter.local(name, perMinute) : BucketRateLimiter.shared(name, perMinute, buckets);
    }

    /** After each request: an audit line for every admin API write that got past access control. */
    /** The process's Redis link ({@code REDIS_URL}), or null. */
    RedisLink redis() {
        return redis;
    }

    /** Records a write to the admin API (the caller has checked that it was one) unless it was refused at the door. */
    void auditRegistryChange(Context ctx) {
        int status = ctx.statusCode();
        if (status != 401 && status != 403 && status != 429) {
            audit.registryChange(Principal.of(ctx).subject(), ctx.method().name(), ctx.path(), status);
        }
    }

    /** One line at start that says who will be served and, when it matters, how to change it. */
    private static void explain(SecurityConfig config) {
        if (!config.authRequired()) {
            LOG.warn("AUTH_REQUIRED=false: every client is served without a token, with full rights; "
                    + "run this only behind a proxy that authenticates");
        } else if (!config.hasTokenKeys()) {
            LOG.warn("no JWT_SECRET or JWT_JWKS_URL: only loopback clients are served (without a token); remote "
                    + "clients get 401. Set JWT_SECRET (make generate-secrets writes one) to serve them");
        } else {
            LOG.info("authentication required ({}); get a token with: bin/forge token create --name me --sub me --role admin",
                    config.jwtSecret() != null && config.jwksUrl() != null ? "JWT_SECRET and JWT_JWKS_URL"
                            : config.jwtSecret() != null ? "JWT_SECRET" : "JWT_JWKS_URL");
        }
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
        audit.close();
    }
}
