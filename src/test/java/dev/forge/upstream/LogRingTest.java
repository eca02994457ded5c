package dev.forge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;

/** A reader following a service's log gets each line once, in order, whatever has rolled out of the ring meanwhile. */
class LogRingTest {

    @Test
    void linesAfterANumberAreTheNewOnesOnlyBoundedAndAFreshRingStartsOver() {
        LogRing ring = new LogRing(Clock.systemUTC());
        for (int i = 1; i <= 5; i++) {
            ring.add("stderr", "line " + i);
        }
        assertThat(ring.after(0, 100)).extracting(LogRing.Line::text).containsExactly("line 1", "line 2", "line 3", "line 4", "line 5");
        assertThat(ring.after(3, 100)).extracting(LogRing.Line::seq).containsExactly(4L, 5L);
        assertThat(ring.after(5, 100)).isEmpty();
        assertThat(ring.after(1, 2)).as("the newest of what is new").extracting(LogRing.Line::seq).containsExactly(4L, 5L);
        assertThat(ring.after(99, 2)).as("a number from an earlier ring: its tail").extracting(LogRing.Line::seq).containsExactly(4L, 5L);

        for (int i = 6; i <= 1_200; i++) {
            ring.add("stderr", "line " + i);
        }
        assertThat(ring.after(10, 5_000)).as("what rolled out is gone").hasSize(1_000)
                .first().extracting(LogRing.Line::seq).isEqualTo(201L);
        assertThat(ring.after(1_190, 5_000)).extracting(LogRing.Line::seq).first().isEqualTo(1_191L);
    }
}
