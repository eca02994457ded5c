package dev.forge.observe;

import static dev.forge.observe.ErrorCatalog.entry;

import dev.forge.observe.ErrorCatalog.Entry;
import dev.forge.observe.ErrorCatalog.Section;
import java.util.List;

/** The service manager's states and the reasons it gives for them. */
final class ServiceErrors {

    private static final String LIST = "`curl -s localhost:9000/services -H \"Authorization: Bearer $TOKEN\" | jq '.[] | {name, state, reason, last_exit, crash_loop}'`";

    static final List<Entry> ENTRIES = List.of(
            entry("needs-configuration", Section.SERVICES, "state `needs-configuration`, a warning at start",
                    "‹services.yml: services.github›: needs configuration: ‹GITHUB_TOKEN› not set; the other services start without it, "
                            + "and it starts once the variables are provided (PUT /services/‹github›/environment, or the environment at the next start)",
                    "The service's entry names `${VAR}` (without a default) and nobody set it. Only this service waits; the others run.",
                    "`curl -s -X PUT localhost:9000/services/github/environment -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' "
                            + "-d '{\"GITHUB_TOKEN\": \"…\"}'` starts it now (kept in memory); put the variable in `.env.production` for the next start."),
            entry("crash-loop", Section.SERVICES, "`crash_loop: true`; an error in the log",
                    "upstream ‹memory› is in a crash loop: ‹5› failures within ‹300› s",
                    "The process (or connection) failed five times within five minutes; Forge keeps retrying with backoff up to 30 s.",
                    "Read why: `curl -s 'localhost:9000/services/memory/logs?lines=50' -H \"Authorization: Bearer $TOKEN\" | jq -r '.lines[].text'`; "
                            + "fix the command or its environment, then `POST /services/memory/restart`. To stop the retries meanwhile: `POST /services/memory/stop`."),
            entry("memory-limit", Section.SERVICES, "state `stopped`, `last_exit`",
                    "memory ‹301› MiB exceeded the limit of ‹256› MiB",
                    "The resident memory of the service's process tree passed `resources.memory`; Forge stopped it and keeps it stopped.",
                    "Raise `resources.memory` in `services.yml` (restart Forge), or find the leak; `POST /services/{name}/start` runs it again."),
            entry("memory-pressure", Section.SERVICES, "state `sleeping`, `reason`",
                    "memory pressure: ‹180› MiB available on the host, below the ‹256› MiB kept free to wake '‹github›' (memory_reservation)",
                    "The host's available memory fell below a sleeping service's `memory_reservation`; idle services were put to sleep, "
                            + "lowest priority first. They wake on their next call.",
                    "Check the host: `free -h`. Lower `memory_reservation`, give the host memory, or set `priority: high` on what must stay up."),
            entry("idle-sleep", Section.SERVICES, "state `sleeping`, `reason`", "idle for ‹300› s (idle_timeout ‹300› s)",
                    "Normal: no call for `idle_timeout`; the process is gone, its tools stay listed and the next call wakes it.",
                    "Nothing to do. To keep it up: `sleep_policy: { enabled: false }`. To wake it now: `POST /services/{name}/wake`."),
            entry("put-to-sleep", Section.SERVICES, "state `sleeping` or `stopped`, `reason`/`last_exit`",
                    "put to sleep by ‹oncall›",
                    "An operator (the token's subject is named) slept or stopped it through the API (`stopped by ‹subject›` for a stop).",
                    "`POST /services/{name}/start` (or `/wake`). " + LIST + " shows who."),
            entry("wake-timeout", Section.SERVICES, "JSON-RPC `-32001` to the caller",
                    "Upstream '‹memory›' was asleep and did not wake within ‹30000› ms",
                    "A call woke a sleeping service and it was not ready within its `timeout`.",
                    "See its log (`GET /services/{name}/logs`); a slow first start (npx downloading) may need a larger `timeout`."),
            entry("wake-failed", Section.SERVICES, "JSON-RPC `-32001` to the caller", "could not be woken: ‹…›",
                    "The process could not be started again (command gone, environment changed).", "`GET /services/{name}/logs`, then fix the command."),
            entry("sleep-not-running", Section.SERVICES, "HTTP 409 `conflict`", "service ‹memory› is ‹sleeping›; only a running service can sleep",
                    "`POST /services/{name}/sleep` on a service that is not running.", "Nothing to do; " + LIST + " shows its state."));

    private ServiceErrors() {}
}
