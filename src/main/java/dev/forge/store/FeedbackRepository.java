package dev.forge.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Feedback on the tool router's picks, one row each, and the totals per tool. */
public final class FeedbackRepository {

    /** Successes and failures reported for one tool. */
    public record Tally(long successes, long failures) {}

    private final Jdbi jdbi;
    private final Clock clock;

    public FeedbackRepository(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.clock = clock;
    }

    public void record(String tool, String task, boolean success) {
        jdbi.useTransaction(h -> h.createUpdate("INSERT INTO tool_feedback (id, tool, task, success, created_at) "
                        + "VALUES (:id, :tool, :task, :success, :at)")
                .bind("id", UUID.randomUUID().toString()).bind("tool", tool).bind("task", task).bind("success", success)
                .bind("at", clock.instant().toString()).execute());
    }

    public Map<String, Tally> tallies() {
        Map<String, Tally> result = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT tool, SUM(CASE WHEN success THEN 1 ELSE 0 END) AS ok, "
                        + "SUM(CASE WHEN success THEN 0 ELSE 1 END) AS bad FROM tool_feedback GROUP BY tool")
                .map((rs, ctx) -> Map.entry(rs.getString("tool"), new Tally(rs.getLong("ok"), rs.getLong("bad"))))
                .forEach(e -> result.put(e.getKey(), e.getValue())));
        return result;
    }
}
