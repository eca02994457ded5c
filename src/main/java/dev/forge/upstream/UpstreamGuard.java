package dev.forge.upstream;

import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Keeps one slow or failing upstream from taking the gateway down with it: at most {@code maxConcurrency} calls in
 * flight (a call beyond that waits up to {@link #QUEUE_WAIT} for a slot, then is refused), and a circuit breaker that stops calling an upstream whose calls
 * keep failing or timing out, trying again after a pause.
 */
final class UpstreamGuard {

    static final Duration OPEN_FOR = Duration.ofSeconds(30);
    /** How long a call beyond the limit waits for a slot (on its own virtual thread) before it is refused. */
    static final Duration QUEUE_WAIT = Duration.ofSeconds(1);

    private final String name;
    private final int maxConcurrency;
    private final Bulkhead bulkhead;
    private final CircuitBreaker breaker;
    private final java.util.function.Consumer<Throwable> faults;

    /** @param faults told of every call that failed by the upstream's fault (for {@code /health}) */
    UpstreamGuard(String name, int maxConcurrency, java.util.function.Consumer<Throwable> faults) {
        this.name = name;
        this.faults = faults;
        this.maxConcurrency = maxConcurrency;
        this.bulkhead = Bulkhead.of(name, BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrency)
                .maxWaitDuration(QUEUE_WAIT)
                .build());
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(OPEN_FOR)
                .permittedNumberOfCallsInHalfOpenState(3)
                .build());
    }

    PendingCall run(Supplier<PendingCall> call) {
        if (!breaker.tryAcquirePermission()) {
            return PendingCall.failed(new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE, "Upstream '" + name
                    + "' is failing: its circuit breaker opened after repeated failures; it is tried again within "
                    + OPEN_FOR.toSeconds() + " s"));
        }
        if (!bulkhead.tryAcquirePermission()) {
            breaker.releasePermission();
            return PendingCall.failed(new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE, "Upstream '" + name
                    + "' is at its concurrency limit (" + maxConcurrency + " calls in flight); try again shortly"));
        }
        long start = System.nanoTime();
        PendingCall pending;
        try {
            pending = call.get();
        } catch (RuntimeException e) {
            bulkhead.onComplete();
            breaker.releasePermission();
            throw e;
        }
        pending.whenComplete((response, failure) -> {
            bulkhead.onComplete();
            long took = System.nanoTime() - start;
            if (failure == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            } else if (isUpstreamFault(failure)) {
                breaker.onError(took, TimeUnit.NANOSECONDS, failure);
                faults.accept(failure);
            } else {
                breaker.releasePermission();
            }
        });
        return pending;
    }

    /** A broken connection or a timeout is the upstream's fault; a cancellation by the client is not. */
    private static boolean isUpstreamFault(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return t instanceof UpstreamException || t instanceof TimeoutException;
    }

    /** closed, open, half_open, …, as health output shows it. */
    String breakerState() {
        return breaker.getState().name().toLowerCase();
    }

    int inFlight() {
        return maxConcurrency - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }
}
