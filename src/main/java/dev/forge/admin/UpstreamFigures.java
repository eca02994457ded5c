package dev.forge.admin;

import dev.forge.observe.MeteredHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Each upstream's tool calls now, from Forge's own meters: calls per second and the share that failed over the last
 * minute or so (from the counts the console has seen at each refresh), and the p99 latency the timer keeps for the
 * last minute.
 */
final class UpstreamFigures {

    /** One upstream's figures; rates are null until two readings are a second apart. */
    record Figures(Double callsPerSecond, Double errorRatio, Double p99Millis, long calls) {}

    private record Reading(long atNanos, long calls, long errors) {}

    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);
    private final MeterRegistry registry;
    private final Map<String, Deque<Reading>> readings = new HashMap<>();

    UpstreamFigures(MeterRegistry registry) {
        this.registry = registry;
    }

    synchronized Figures of(String upstream) {
        Timer ok = registry.find(MeteredHandler.TOOL_CALLS).tags("upstream", upstream, "outcome", "ok").timer();
        Timer error = registry.find(MeteredHandler.TOOL_CALLS).tags("upstream", upstream, "outcome", "error").timer();
        long calls = (ok == null ? 0 : ok.count()) + (error == null ? 0 : error.count());
        long errors = error == null ? 0 : error.count();
        long now = System.nanoTime();
        Deque<Reading> seen = readings.computeIfAbsent(upstream, u -> new ArrayDeque<>());
        seen.addLast(new Reading(now, calls, errors));
        while (seen.size() > 2 && now - seen.getFirst().atNanos() > WINDOW_NANOS) {
            seen.removeFirst();
        }
        Reading first = seen.getFirst();
        double seconds = (now - first.atNanos()) / 1e9;
        Double rate = seconds >= 1 ? (calls - first.calls()) / seconds : null;
        long callsInWindow = calls - first.calls();
        Double errorRatio = seconds >= 1 && callsInWindow > 0 ? (double) (errors - first.errors()) / callsInWindow : null;
        return new Figures(rate, errorRatio, p99(ok, error), calls);
    }

    /** The worse p99 of the two outcomes: a slow failure is as slow for its client as a slow success. */
    private static Double p99(Timer ok, Timer error) {
        double worst = -1;
        for (Timer timer : new Timer[] {ok, error}) {
            if (timer == null) {
                continue;
            }
            for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
                if (value.percentile() == 0.99 && timer.takeSnapshot().count() > 0) {
                    worst = Math.max(worst, value.value(TimeUnit.MILLISECONDS));
                }
            }
        }
        return worst < 0 ? null : worst;
    }
}
