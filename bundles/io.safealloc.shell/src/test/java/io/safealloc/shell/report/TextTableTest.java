package io.safealloc.shell.report;

import static io.safealloc.shell.report.TextTable.Align.LEFT;
import static io.safealloc.shell.report.TextTable.Align.RIGHT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;


class TextTableTest {

    @Test
    void columnsAreAsWideAsTheirWidestCellAndAlignedAsDeclared() {
        String table = new TextTable("BUNDLE", LEFT, "ID", RIGHT, "IN USE", RIGHT)
                .row("io.safealloc.demo", 12, "4.0 MiB")
                .row("tb1", 7, "96 B")
                .render();
        assertEquals("""
                BUNDLE             ID   IN USE
                io.safealloc.demo  12  4.0 MiB
                tb1                 7     96 B""", table);
    }

    @Test
    void emptyCellsShowADashAndNoLineHasTrailingSpaces() {
        String table = new TextTable("NAME", LEFT, "DESCRIPTION", LEFT).row("gc", null).row("audit", "logs").render();
        assertEquals("""
                NAME   DESCRIPTION
                gc     -
                audit  logs""", table);
    }

    @Test
    void aCellNeverBreaksItsRow() {
        String table = new TextTable("A", LEFT).row("two\nlines").render();
        assertEquals("A\ntwo lines", table);
    }

    @Test
    void rowsMustHaveOneCellPerColumn() {
        TextTable table = new TextTable("A", LEFT, "B", LEFT);
        assertThrows(IllegalArgumentException.class, () -> table.row("only one"));
    }
}
