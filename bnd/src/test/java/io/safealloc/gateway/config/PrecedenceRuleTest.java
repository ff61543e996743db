package io.safealloc.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Which value wins, key by key (issue 12, item 11); the forked gateways of ConfigurationPrecedenceIT prove it end to end. */
class PrecedenceRuleTest {

    private static final String FILE = "--config /etc/demo.json";

    /** One start: stores what the rule decides into {@code stored} and {@code record}, returns the sources. */
    private static Map<String, String> start(Map<String, Sourced> initial, boolean isConfig, Map<String, Object> stored,
            Map<String, AppliedRecord.Entry> record) {
        PrecedenceRule.Decision decision = PrecedenceRule.decide(initial, isConfig, stored, record);
        stored.clear();
        record.clear();
        Map<String, String> sources = new LinkedHashMap<>();
        decision.values().forEach((key, value) -> {
            stored.put(key, value.value());
            sources.put(key, value.value() + " " + value.source());
        });
        record.putAll(decision.record());
        return sources;
    }

    private static Map<String, Sourced> defaults() {
        return Map.of("limit", new Sourced(64L, Sources.DEFAULTS));
    }

    private static Map<String, Sourced> demo() {
        return Map.of("limit", new Sourced(8L, FILE));
    }

    @Test
    void aConfigFileWinsOverWhatAnEarlierStartWithTheDefaultsStored() {
        Map<String, Object> stored = new LinkedHashMap<>();
        Map<String, AppliedRecord.Entry> record = new LinkedHashMap<>();
        assertEquals(Map.of("limit", "64 embedded defaults"), start(defaults(), false, stored, record));

        assertEquals(Map.of("limit", "8 " + FILE), start(demo(), true, stored, record));
    }

    @Test
    void withoutTheFileAgainTheDefaultsComeBack() {
        Map<String, Object> stored = new LinkedHashMap<>();
        Map<String, AppliedRecord.Entry> record = new LinkedHashMap<>();
        start(demo(), true, stored, record);

        assertEquals(Map.of("limit", "64 embedded defaults"), start(defaults(), false, stored, record));
    }

    @Test
    void aRuntimeChangeIsKeptWithoutTheFileAndLosesAgainstTheFile() {
        Map<String, Object> stored = new LinkedHashMap<>();
        Map<String, AppliedRecord.Entry> record = new LinkedHashMap<>();
        start(defaults(), false, stored, record);
        stored.put("limit", 32L); // mem:limit 32

        assertEquals(Map.of("limit", "32 " + Sources.RUNTIME), start(defaults(), false, stored, record));
        assertEquals(Map.of("limit", "32 " + Sources.RUNTIME), start(defaults(), false, stored, record), "and again");
        assertEquals(Map.of("limit", "8 " + FILE), start(demo(), true, stored, record));
    }

    @Test
    void keysOfAnEarlierFileAreWithdrawnWhileOnesSetAtRuntimeStay() {
        Map<String, Object> stored = new LinkedHashMap<>();
        Map<String, AppliedRecord.Entry> record = new LinkedHashMap<>();
        start(Map.of("limit", new Sourced(8L, FILE), "abortExitCode", new Sourced(77, FILE)), true, stored, record);
        stored.put("maxRetries", 5); // set at runtime, a key the file does not set

        assertEquals(Map.of("limit", "64 embedded defaults", "maxRetries", "5 " + Sources.RUNTIME),
                start(defaults(), false, stored, record));
    }

    @Test
    void aValueStoredBeforeAnyRecordCountsAsTheDefaultsWhenItEqualsThem() {
        Map<String, Object> stored = new LinkedHashMap<>(Map.of("limit", 64L, "warnPercent", 90));
        Map<String, AppliedRecord.Entry> record = new LinkedHashMap<>();

        assertEquals(Map.of("limit", "64 embedded defaults", "warnPercent", "90 " + Sources.RUNTIME),
                start(defaults(), false, stored, record));
    }

    @Test
    void equalValuesOfDifferentTypesAreDifferent() {
        assertEquals("Long:64", PrecedenceRule.canonical(64L));
        assertEquals("int[]:[[1, 2]]", PrecedenceRule.canonical(new int[] {1, 2}));
        assertEquals(PrecedenceRule.ABSENT, PrecedenceRule.canonical(null));
    }
}
