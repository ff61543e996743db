package io.safealloc.shell.report;

import static io.safealloc.shell.report.TextTable.Align.LEFT;
import static io.safealloc.shell.report.TextTable.Align.RIGHT;

import java.util.List;

/**
 * Renders the handlers for {@code mem:handlers}: one numbered row per handler in decision order,
 * then a {@code then:} line for the allocator's built-in default handler, which always decides
 * last.
 *
 * <p>Stateless and thread-safe.
 */
public final class HandlersReport {

    /** The last line: what happens after every registered handler deferred. */
    public static final String DEFAULT_LINE =
            "then: default handler (logs \"Memory allocation error for N bytes\", decides defaultRecovery)";

    private HandlersReport() {
    }

    /** @return the report, lines joined by {@code \n}, no final newline */
    public static String render(List<HandlerInfo> handlers) {
        if (handlers.isEmpty()) {
            return "no MemHandler registered\n" + DEFAULT_LINE;
        }
        TextTable table = new TextTable("#", RIGHT, "RANKING", RIGHT, "SERVICE.ID", RIGHT, "BUNDLE", LEFT,
                "NAME", LEFT, "CLASS", LEFT, "DESCRIPTION", LEFT);
        int position = 1;
        for (HandlerInfo h : handlers) {
            table.row(position++, h.ranking(), h.serviceId(), h.bundle(), h.shortName(), h.className(),
                    h.description());
        }
        return table.render() + "\n" + DEFAULT_LINE;
    }

    /** @return {@code "guard(1000), audit(900), gc(100)"}, or {@code "none"} */
    public static String summary(List<HandlerInfo> handlers) {
        if (handlers.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        for (HandlerInfo h : handlers) {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(h.shortName()).append('(').append(h.ranking()).append(')');
        }
        return text.toString();
    }
}
