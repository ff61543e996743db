package io.safealloc.webconsole;

import io.safealloc.api.WebConsoleConstants;

/**
 * The page's static HTML: empty tables and a canvas that res/safealloc.js fills from the JSON
 * resource every second. Everything it loads comes from this bundle (no CDN: gateways are often
 * offline).
 *
 * <p>Stateless; thread-safe.
 */
final class PageHtml {

    private PageHtml() {
    }

    /** @param pluginRoot the page's own URL path, e.g. {@code /system/console/safealloc} */
    static String render(String pluginRoot) {
        String root = attribute(pluginRoot);
        return """
                <link rel="stylesheet" href="%1$s/res/safealloc.css">
                <div id="sa-page" data-root="%1$s" data-data="%1$s%2$s" data-limit="%1$s%3$s">
                  <p id="sa-global" class="sa-figures">Loading…</p>
                  <canvas id="sa-chart" width="960" height="300" aria-label="bytes in use per bundle"></canvas>
                  <div id="sa-legend" class="sa-legend"></div>
                  <form id="sa-limit-form" class="sa-limit">
                    <label for="sa-limit-input">Global limit</label>
                    <input id="sa-limit-input" name="%4$s" size="12" placeholder="e.g. 64m, 0 = none">
                    <button id="sa-limit-set" type="submit">Set</button>
                    <span id="sa-limit-result"></span>
                  </form>
                  <h3>Bundles</h3>
                  <table id="sa-bundles" class="tablelayout nicetable sa-table">
                    <thead><tr><th>Bundle</th><th>Id</th><th>In use</th><th>Peak</th><th>Quota</th><th>Live</th></tr></thead>
                    <tbody></tbody>
                  </table>
                  <h3>Handlers (in decision order)</h3>
                  <table id="sa-handlers" class="tablelayout nicetable sa-table">
                    <thead><tr><th>#</th><th>Ranking</th><th>service.id</th><th>Bundle</th><th>Description</th></tr></thead>
                    <tbody></tbody>
                  </table>
                  <h3>Last events</h3>
                  <table id="sa-events" class="tablelayout nicetable sa-table">
                    <thead><tr><th>Time</th><th>Event</th><th>Cause</th><th>Size</th><th>Decision</th><th>Bundle</th></tr></thead>
                    <tbody></tbody>
                  </table>
                  <h3>Open allocations per bundle (leaks if the bundle stops)</h3>
                  <table id="sa-leaks" class="tablelayout nicetable sa-table">
                    <thead><tr><th>Bundle</th><th>Id</th><th>Allocations</th><th>Bytes</th><th>Largest</th></tr></thead>
                    <tbody></tbody>
                  </table>
                </div>
                <script src="%1$s/res/safealloc.js"></script>
                """.formatted(root, WebConsoleConstants.DATA_PATH, WebConsoleConstants.LIMIT_PATH,
                WebConsoleConstants.LIMIT_FIELD);
    }

    private static String attribute(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
