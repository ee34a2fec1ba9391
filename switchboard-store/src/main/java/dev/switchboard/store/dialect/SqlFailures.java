package dev.switchboard.store.dialect;

import java.sql.SQLException;
import org.sqlite.SQLiteException;

/**
 * Tells a failure caused by the row being written (bad data: the same row will always fail) from one caused by
 * the database (unreachable, read-only, locked, schema gone: worth keeping the row and retrying). Only failures
 * positively identified as bad data count as the row's; anything unknown is kept and retried.
 */
public final class SqlFailures {
    private SqlFailures() {}

    public static boolean isRowProblem(Throwable failure) {
        if (!(failure instanceof SQLException)) {
            return failure instanceof RuntimeException; // binding the row's values failed
        }
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof SQLiteException s) {
                return switch (s.getResultCode().code & 0xFF) {
                    case 18, 19, 20, 25 -> true; // TOOBIG, CONSTRAINT, MISMATCH, RANGE
                    default -> false;
                };
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().length() >= 2) {
                // SQL standard classes: 22 data exception (e.g. invalid byte sequence), 23 integrity constraint,
                // 54 program limit exceeded (a value too large); 08 connection, 40 rollback, 53 resources, ... not
                String cls = s.getSQLState().substring(0, 2);
                return cls.equals("22") || cls.equals("23") || cls.equals("54");
            }
        }
        return false;
    }

    /** The SQLState (or SQLite code) for a log line; never the message, which may quote row values. */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof SQLiteException s) {
                return s.getResultCode().name();
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return "SQLState " + s.getSQLState();
            }
        }
        return failure.getClass().getSimpleName();
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException s && s.getNextException() != null && s.getNextException() != t) {
            return s.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
