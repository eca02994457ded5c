package dev.forge.observe;

import static dev.forge.observe.ErrorCatalog.entry;

import dev.forge.observe.ErrorCatalog.Entry;
import dev.forge.observe.ErrorCatalog.Section;
import java.util.List;

/** The forge commands besides serve: what they print when they refuse, and their exit status. */
final class CliErrors {

    static final List<Entry> ENTRIES = List.of(
            entry("cli-usage", Section.CLI, "exit 2, with the command's usage",
                    "‹Missing required option: '--name=<name>'›",
                    "A missing or unknown option (picocli's message). A bad setting in the environment or env file stops every "
                            + "command with exit 2 and the one line `forge serve` gives (`forge: invalid configuration: …`).",
                    "`bin/forge COMMAND --help`."),
            entry("token-no-secret", Section.CLI, "exit 2",
                    "forge token: ¦tokens cannot be issued: no JWT_SECRET is configured (make generate-secrets writes one)",
                    "`forge token create` without `JWT_SECRET`: usually the `--env-file` was left out.",
                    "`bin/forge token create --env-file .env.production --name me --role admin`."),
            entry("token-unknown", Section.CLI, "exit 2", "forge token: ¦no token with id ‹…›",
                    "`forge token revoke ID` with an id that does not exist in this database.",
                    "`bin/forge token list --env-file .env.production` shows the ids (the first column)."),
            entry("backup-no-database", Section.CLI, "exit 2", "forge: ¦no registry database at ‹data/mcp.db›",
                    "`forge backup` found no SQLite file where `DATABASE_URL`/`DATA_PATH` point: usually the `--env-file` was left out.",
                    "`bin/forge backup --env-file .env.production --output backups/forge.db`."),
            entry("backup-postgres", Section.CLI, "exit 2",
                    "forge: ¦the registry is in PostgreSQL: back it up with pg_dump and restore with pg_restore (docs/OPERATIONS.md)",
                    "`forge backup`/`forge restore` copy SQLite files only.", "`scripts/backup-production.sh` runs `pg_dump` for you."),
            entry("restore-refused", Section.CLI, "exit 2", "forge: restore refused, nothing was changed: ‹no such file: nosuch.db›",
                    "The file is missing, `failed SQLite's integrity check`, or `is not a Forge registry (no gateways and servers tables)`.",
                    "Pick another archive: `scripts/backup-production.sh list`."),
            entry("restore-damaged-kept", Section.CLI, "exit 0, on stderr", "forge: the database could not be opened; it was kept as ‹data/mcp.db.damaged-1764518400000›",
                    "The database being replaced was too damaged to open; it was moved aside and the backup restored.",
                    "Nothing; delete the damaged copy once you no longer need it."),
            entry("restore-move-failed", Section.CLI, "exit 1", "forge: restore failed moving the damaged database aside: ‹…›",
                    "The damaged database could not be renamed (permissions of `data/`).", "`ls -ld data`; fix ownership, run the restore again."),
            entry("import-arguments", Section.CLI, "exit 2", "forge: import: give either FILE or --seed-dir DIR",
                    "Both or neither given (or `--seed-dir` names a directory with none of `gateways.txt`, `prompts.txt`, `resources.txt`).",
                    "`bin/forge import registry.json --env-file .env.production --dry-run`."),
            entry("import-refused", Section.CLI, "exit 2", "forge: import refused, nothing was written: ‹gateways[0]: a gateway named 'docs' already exists›",
                    "The document is invalid, or `--conflict fail` met a name that exists. Everything is checked before anything is written.",
                    "`--conflict skip` (the default), `update` or `rename`; `--dry-run` shows what would change."),
            entry("rotate-no-key", Section.CLI, "exit 2",
                    "forge secrets rotate: ¦FORGE_ENCRYPTION_KEY is not set (expected: the key to re-seal with; the key it replaces goes in FORGE_ENCRYPTION_KEY_PREVIOUS)",
                    "`forge secrets rotate` without the key: usually the `--env-file` was left out.",
                    "`bin/forge secrets rotate --env-file .env.production --dry-run`."),
            entry("rotate-cannot-open", Section.CLI, "exit 2",
                    "forge secrets rotate: ¦nothing was written: ‹gateways/…/headers/Authorization (gateway 'github')›: cannot be opened with ‹FORGE_ENCRYPTION_KEY or FORGE_ENCRYPTION_KEY_PREVIOUS›",
                    "A stored credential opens with neither key: it was sealed with a third key, or copied between records.",
                    "Supply the key it was sealed with in `FORGE_ENCRYPTION_KEY_PREVIOUS`, or re-register that upstream (`PUT /gateways/github`)."));

    private CliErrors() {}
}
