package dev.forge.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** What waits for a slow client on a request's own stream is bounded; the newest messages are the ones kept. */
class InFlightTest {

    @Test
    void anUpstreamFloodingProgressAtASlowClientFillsTheQueueToItsBoundAndNoFurther() {
        List<ObjectNode> elsewhere = new ArrayList<>();
        InFlight request = new InFlight(Message.request(null, "tools/call", null).node().get("id"), true, elsewhere::add);
        int[] started = {0};
        request.onRelated(() -> started[0]++);
        for (int i = 0; i < InFlight.MAX_RELATED * 10; i++) {
            ObjectNode progress = Message.notification("notifications/progress", null).node();
            progress.putObject("params").put("progress", i);
            request.relay(progress);
        }
        assertThat(request.related()).hasSize(InFlight.MAX_RELATED);
        assertThat(request.related().peek().at("/params/progress").asInt()).as("the oldest gave way")
                .isEqualTo(InFlight.MAX_RELATED * 9);
        assertThat(started[0]).as("the writer is told of each").isEqualTo(InFlight.MAX_RELATED * 10);
        assertThat(elsewhere).isEmpty();
        request.finish();
        assertThat(elsewhere).as("once answered, what is left goes to the session's stream").hasSize(InFlight.MAX_RELATED);
    }
}
