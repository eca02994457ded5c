package dev.forge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplicaIdsTest {

    @Test
    void anIdNamesTheReplicaThatMadeItAndNothingElseNamesOne() {
        String id = ReplicaIds.make("task", "0a1b2c3d");
        assertThat(id).startsWith("task-0a1b2c3d-").hasSizeGreaterThan(40);
        assertThat(ReplicaIds.tagOf(id, "task")).isEqualTo("0a1b2c3d");
        assertThat(ReplicaIds.make("task", "0a1b2c3d")).isNotEqualTo(id);

        String alone = ReplicaIds.make("forge", null);
        assertThat(ReplicaIds.tagOf(alone, "forge")).as("a process on its own names no replica").isNull();
        assertThat(ReplicaIds.tagOf(id, "forge")).as("another prefix").isNull();
        assertThat(ReplicaIds.tagOf("forge-made-up", "forge")).as("not hex").isNull();
        assertThat(ReplicaIds.tagOf("forge--x", "forge")).isNull();
        assertThat(ReplicaIds.tagOf(null, "forge")).isNull();
    }
}
