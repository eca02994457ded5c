package dev.forge.observe;

import static dev.forge.observe.ErrorCatalog.entry;

import dev.forge.observe.ErrorCatalog.Entry;
import dev.forge.observe.ErrorCatalog.Section;
import java.util.List;

/** The registry database: SQLite by default, PostgreSQL in production. */
final class DatabaseErrors {

    static final List<Entry> ENTRIES = List.of(
            entry("postgres-unreachable", Section.DATABASE, "exit 1",
                    "forge: cannot start: ¦‹Failed to initialize pool: Connection to db:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.›",
                    "`DATABASE_URL` is PostgreSQL and nothing answers there (or the password is wrong: `password authentication failed`).",
                    "`pg_isready -d \"$DATABASE_URL\"`; start PostgreSQL or fix host, port and password in `.env.production`."),
            entry("not-a-database", Section.DATABASE, "exit 1",
                    "forge: cannot start: ¦‹Failed to initialize pool: [SQLITE_NOTADB] File opened that is not a database file (file is not a database)›",
                    "The SQLite file is damaged or is not a database.",
                    "Restore the last backup: `scripts/deploy-production.sh stop && scripts/backup-production.sh restore` (the damaged file "
                            + "is kept as `mcp.db.damaged-‹millis›`), then `scripts/deploy-production.sh deploy`."),
            entry("database-directory", Section.DATABASE, "exit 1", "forge: cannot start: ¦cannot create the directory for ‹/data/mcp.db›: ‹…›",
                    "The SQLite file's directory cannot be created: often the guide's container path `sqlite:////data/mcp.db` used by a process install.",
                    "In process mode use `DATABASE_URL=sqlite:///./data/mcp.db` (or unset it: `$DATA_PATH/mcp.db`); `scripts/deploy-production.sh preflight` checks it."),
            entry("database-locked", Section.DATABASE, "HTTP 500 `internal` to the caller; an error in the log",
                    "‹POST› ‹/gateways›: uncaught failure, answered 500",
                    "With SQLite, the log's exception below the line says `[SQLITE_BUSY] The database file is locked`: a write waited 10 s "
                            + "(busy_timeout) for a lock another process held, e.g. an `sqlite3` shell left inside a transaction.",
                    "`fuser data/mcp.db` names the other process; end it. Read with `sqlite3 -readonly data/mcp.db`. Replicas share PostgreSQL, not one SQLite file over NFS."),
            entry("no-schema-skip-migrations", Section.DATABASE, "exit 1",
                    "forge: cannot start: ¦the database has no Forge schema and SKIP_MIGRATIONS is set: start one instance without SKIP_MIGRATIONS first",
                    "An empty PostgreSQL database and `SKIP_MIGRATIONS=true` (the guide's default): nobody creates the schema.",
                    "Start one instance with `SKIP_MIGRATIONS=false` (it migrates), then the others may skip."),
            entry("skip-migrations-sqlite", Section.DATABASE, "a warning in the log",
                    "SKIP_MIGRATIONS is set but ‹sqlite:///…› has no schema yet; creating it (an embedded database has no other migrator)",
                    "A fresh SQLite file with `SKIP_MIGRATIONS=true`: Forge migrates it anyway.", "Nothing to do."));

    private DatabaseErrors() {}
}
