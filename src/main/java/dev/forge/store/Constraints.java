package dev.forge.store;

import java.sql.SQLException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Tells a unique-constraint violation (a taken name) from other database failures, on both databases. */
final class Constraints {

    private Constraints() {}

    static RuntimeException duplicateOr(UnableToExecuteStatementException e, String message) {
        return e.getCause() instanceof SQLException sql && isUniqueViolation(sql) ? new DuplicateNameException(message, e) : e;
    }

    /** PostgreSQL says 23505; SQLite says SQLITE_CONSTRAINT_UNIQUE (2067), or 19 naming UNIQUE. */
    private static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 2067
                || (e.getErrorCode() == 19 && String.valueOf(e.getMessage()).contains("UNIQUE"));
    }
}
