package dev.forge.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Times out calls waiting on upstreams. One sweep every {@value #TICK_MS} ms over the calls in flight replaces a
 * scheduled task per call (two heap operations and a timer wake-up each, which cost more than the rest of a fast
 * call); a call times out at most one tick late, which no timeout of seconds notices.
 */
final class CallDeadlines {

    static final long TICK_MS = 50;
    private static final Set<PendingCall> waiting = ConcurrentHashMap.newKeySet();
    private static final Set<Lingering> lingering = ConcurrentHashMap.newKeySet();

    /** A response stream that has delivered its answer and should end soon; ended by force after its deadline. */
    interface Lingering {
        long deadline();

        void endNow();
    }

    static {
        Thread.ofPlatform().daemon().name("forge-call-deadlines").start(CallDeadlines::sweep);
    }

    private CallDeadlines() {}

    /** Fails {@code call} with a {@link TimeoutException} if it is still waiting at its deadline. */
    static void watch(PendingCall call) {
        waiting.add(call);
    }

    /** Ends {@code stream} at its deadline unless it is {@link #ended} first. */
    static void linger(Lingering stream) {
        lingering.add(stream);
    }

    static void ended(Lingering stream) {
        lingering.remove(stream);
    }

    /** The call is over: no need to watch it. */
    static void forget(PendingCall call) {
        waiting.remove(call);
    }

    private static void sweep() {
        while (true) {
            try {
                Thread.sleep(TICK_MS); // the timer's tick: nothing waits on an upstream here
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Lingering stream : lingering) {
                if (now - stream.deadline() >= 0) {
                    lingering.remove(stream);
                    stream.endNow(); // an abort: it returns at once
                }
            }
            for (PendingCall call : waiting) {
                if (call.isDone()) {
                    waiting.remove(call);
                } else if (now - call.deadline() >= 0) {
                    waiting.remove(call);
                    // what a timeout sets off (telling the upstream, answering the client) runs elsewhere: a stuck
                    // upstream pipe must not stop the sweep, and with it every other call's timeout
                    Thread.ofVirtual().name("call-timeout").start(call::timeOut);
                }
            }
        }
    }
}
