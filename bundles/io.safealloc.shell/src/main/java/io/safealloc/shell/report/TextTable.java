package io.safealloc.shell.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A plain-text table: a header row and data rows, columns separated by two spaces, each column as
 * wide as its widest cell, numbers right-aligned, text left-aligned, no trailing spaces. Meant to be
 * read by people and by {@code grep}/{@code awk}: every row is one line and no cell is empty
 * (callers write {@code "-"} for "nothing").
 *
 * <p>Not thread-safe: build and render on one thread.
 */
public final class TextTable {

    /** How a column's cells are aligned. */
    public enum Align {
        LEFT, RIGHT
    }

    private final String[] headers;
    private final Align[] aligns;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param columns alternating header and {@link Align}: {@code "BUNDLE", Align.LEFT, "ID", Align.RIGHT}
     */
    public TextTable(Object... columns) {
        if (columns.length == 0 || columns.length % 2 != 0) {
            throw new IllegalArgumentException("columns come in pairs: header, alignment");
        }
        headers = new String[columns.length / 2];
        aligns = new Align[columns.length / 2];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = (String) columns[2 * i];
            aligns[i] = (Align) columns[2 * i + 1];
        }
    }

    /**
     * Adds a row; {@code null} or empty cells are shown as {@code "-"}.
     *
     * @throws IllegalArgumentException if the number of cells differs from the number of columns
     */
    public TextTable row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + Arrays.toString(cells));
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String text = Objects.toString(cells[i], "");
            // One row is one line: a cell must not break it.
            text = text.replace('\n', ' ').replace('\r', ' ');
            row[i] = text.isEmpty() ? "-" : text;
        }
        rows.add(row);
        return this;
    }

    /** @return the number of data rows */
    public int size() {
        return rows.size();
    }

    /** @return the header line and one line per row, joined by {@code \n}, without a final newline */
    public String render() {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, widths);
        for (String[] row : rows) {
            out.append('\n');
            line(out, row, widths);
        }
        return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] widths) {
        int start = out.length();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append("  ");
            }
            String pad = " ".repeat(widths[i] - cells[i].length());
            out.append(aligns[i] == Align.RIGHT ? pad + cells[i] : cells[i] + pad);
        }
        int end = out.length();
        while (end > start && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
    }
}
