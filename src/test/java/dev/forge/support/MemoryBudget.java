package dev.forge.support;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much heap this JVM (an in-process gateway under attack) used above where it started, at its peak while an
 * attack ran: sampled every few milliseconds on a virtual thread. Hostile-input tests assert it stays under a stated
 * budget. The baseline is taken after a GC so that garbage from earlier tests does not count.
 */
public final class MemoryBudget {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** The result of the attack and the peak heap growth it caused, in bytes. */
    public record Measured<T>(T result, long peakGrowthBytes) {
        public long peakGrowthMiB() {
            return peakGrowthBytes >> 20;
        }
    }

    private MemoryBudget() {}

    public static <T> Measured<T> during(Callable<T> attack) throws Exception {
        System.gc();
        long baseline = used();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = Thread.ofVirtual().name("memory-budget").start(() -> {
            while (running.get()) {
                peak.accumulateAndGet(used(), Math::max);
                try {
                    Thread.sleep(5); // sampling pace, not a wait for an event
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            T result = attack.call();
            return new Measured<>(result, Math.max(0, peak.accumulateAndGet(used(), Math::max) - baseline));
        } finally {
            running.set(false);
            sampler.interrupt();
            sampler.join();
        }
    }

    private static long used() {
        return MEMORY.getHeapMemoryUsage().getUsed();
    }
}
