package dev.forge.router;

import dev.forge.store.FeedbackRepository;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reported outcomes of the router's picks, turned into a score multiplier per tool:
 * {@code 0.75 + 0.5 × (successes + 1) / (successes + failures + 2)}. A tool nobody reported on gets 1.0; every
 * report moves it towards 1.25 (always worked) or 0.75 (never worked), the more reports the closer, never further —
 * so feedback reorders close candidates but cannot bury a tool whose words fit the task much better.
 */
final class Feedback {

    private final FeedbackRepository repository;
    private final Map<String, FeedbackRepository.Tally> tallies;

    Feedback(FeedbackRepository repository) {
        this.repository = repository;
        this.tallies = new ConcurrentHashMap<>(repository.tallies());
    }

    void record(String tool, String task, boolean success) {
        repository.record(tool, task, success);
        tallies.merge(tool, new FeedbackRepository.Tally(success ? 1 : 0, success ? 0 : 1),
                (a, b) -> new FeedbackRepository.Tally(a.successes() + b.successes(), a.failures() + b.failures()));
    }

    double multiplier(String tool) {
        FeedbackRepository.Tally t = tallies.get(tool);
        if (t == null) {
            return 1.0;
        }
        return 0.75 + 0.5 * (t.successes() + 1.0) / (t.successes() + t.failures() + 2.0);
    }
}
