package dev.forge.e2e;

import java.util.Map;

/** The passthrough matrix as a table of cells × capabilities, printed when the suite ends. */
final class MatrixTable {

    private MatrixTable() {}

    static String key(MatrixCell cell, MatrixCapability capability) {
        return cell + " " + capability.name();
    }

    /** {@code millis}: how long each cell's client ran, -1 when it did not finish; one row per cell in it. */
    static String render(Map<String, String> outcomes, Map<MatrixCell, Integer> millis, long seconds) {
        StringBuilder table = new StringBuilder("\nPassthrough matrix (").append(seconds).append(" s)\n");
        table.append(String.format("%-72s %6s", "cell", "ms"));
        for (MatrixCapability capability : MatrixCapability.values()) {
            table.append(String.format(" %-12s", capability.key()));
        }
        table.append('\n');
        for (MatrixCell cell : millis.keySet()) { // the cells that ran, in the order they were set out
            table.append(String.format("%-72s %6d", cell, millis.getOrDefault(cell, -1)));
            for (MatrixCapability capability : MatrixCapability.values()) {
                table.append(String.format(" %-12s", outcomes.getOrDefault(key(cell, capability), "-")));
            }
            table.append('\n');
        }
        return table.toString();
    }
}
