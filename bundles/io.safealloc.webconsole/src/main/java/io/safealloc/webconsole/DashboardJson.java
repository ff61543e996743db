package io.safealloc.webconsole;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.safealloc.api.BundleStats;
import io.safealloc.api.Holding;
import io.safealloc.api.MemStats;
import io.safealloc.shell.report.HandlerInfo;

/**
 * The page's data as one JSON object: the figures now (global and per bundle), the history the
 * chart draws, the handlers in decision order, the last events and the open allocations per
 * bundle. Field names are the page script's contract (res/safealloc.js).
 *
 * <p>Stateless; thread-safe.
 */
final class DashboardJson {

    private DashboardJson() {
    }

    static String render(MemStats stats, List<UsageHistory.Sample> history, List<HandlerInfo> handlers,
            List<EventLog.Entry> events, List<Holding> holdings, long nowMillis) {
        JsonWriter json = new JsonWriter().beginObject();
        json.field("time", nowMillis);
        json.name("global").beginObject()
                .field("inUse", stats.bytesInUse())
                .field("peak", stats.peak())
                .field("limit", stats.limit())
                .field("warnThreshold", stats.warnThreshold())
                .field("live", stats.liveAllocations())
                .endObject();

        json.name("bundles").beginArray();
        for (BundleStats bundle : stats.bundles()) {
            json.beginObject()
                    .field("id", bundle.bundleId())
                    .field("name", bundle.bundleName())
                    .field("inUse", bundle.bytesInUse())
                    .field("peak", bundle.peak())
                    .field("limit", bundle.limit())
                    .field("live", bundle.liveAllocations())
                    .endObject();
        }
        json.endArray();

        history(json, history);

        json.name("handlers").beginArray();
        for (HandlerInfo handler : handlers) {
            json.beginObject()
                    .field("ranking", handler.ranking())
                    .field("serviceId", handler.serviceId())
                    .field("bundle", handler.bundle())
                    .field("className", handler.className())
                    .field("description", handler.description())
                    .endObject();
        }
        json.endArray();

        json.name("events").beginArray();
        for (EventLog.Entry event : events) {
            json.beginObject()
                    .field("time", event.timeMillis())
                    .field("topic", event.topic())
                    .field("cause", event.cause())
                    .field("size", event.size())
                    .field("decision", event.decision())
                    .field("bundle", event.bundle())
                    .endObject();
        }
        json.endArray();

        json.name("leaks").beginArray();
        for (Holding holding : holdings) {
            json.beginObject()
                    .field("bundleId", holding.bundleId())
                    .field("bundle", holding.bundleName())
                    .field("count", holding.count())
                    .field("bytes", holding.bytes())
                    .field("largest", holding.largest())
                    .endObject();
        }
        json.endArray();
        return json.endObject().toString();
    }

    /** Column-wise: one array per line of the chart, all as long as {@code times}. */
    private static void history(JsonWriter json, List<UsageHistory.Sample> samples) {
        Set<String> names = new LinkedHashSet<>();
        samples.forEach(s -> names.addAll(s.bundles().keySet()));
        json.name("history").beginObject();
        column(json, "times", samples, UsageHistory.Sample::timeMillis);
        column(json, "inUse", samples, UsageHistory.Sample::inUse);
        column(json, "limit", samples, UsageHistory.Sample::limit);
        column(json, "warnThreshold", samples, UsageHistory.Sample::warnThreshold);
        json.name("bundles").beginObject();
        for (String name : names) {
            column(json, name, samples, s -> s.bundles().getOrDefault(name, 0L));
        }
        json.endObject().endObject();
    }

    private static void column(JsonWriter json, String name, List<UsageHistory.Sample> samples,
            java.util.function.ToLongFunction<UsageHistory.Sample> value) {
        json.name(name).beginArray();
        for (UsageHistory.Sample s : samples) {
            json.value(value.applyAsLong(s));
        }
        json.endArray();
    }

    /** @return {@code {"error": message}} */
    static String error(String message) {
        return new JsonWriter().beginObject().field("error", message).endObject().toString();
    }

    /** @return the answer to a limit change */
    static String limitSet(long bytes, String outcome) {
        return new JsonWriter().beginObject().field("limit", bytes).field("outcome", outcome).endObject().toString();
    }
}
