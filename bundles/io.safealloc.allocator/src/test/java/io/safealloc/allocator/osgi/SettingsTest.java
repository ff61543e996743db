package io.safealloc.allocator.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.LimitPolicy;
import io.safealloc.allocator.core.Safety;
import io.safealloc.allocator.core.pressure.PressureConfig;
import io.safealloc.allocator.core.pressure.Thresholds;
import io.safealloc.api.PressureSource;
import io.safealloc.api.Recovery;

/** Configuration properties as they arrive: any type, units, and the message for what cannot be used. */
class SettingsTest {

    private static Map<String, Object> props(Object... keyValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static String rejection(Object... keyValues) {
        return assertThrows(IllegalArgumentException.class, () -> Settings.read(props(keyValues))).getMessage();
    }

    @Test
    void nothingConfiguredIsTheDefaults() {
        assertEquals(Settings.DEFAULTS, Settings.read(Map.of()));
        assertEquals(10, Settings.DEFAULTS.abortTimeoutSeconds());
    }

    @Test
    void sizesAcceptTheShellsUnitsAndAnyNumberType() {
        assertEquals(64L << 20, Settings.read(props("limit", "64m")).config().limit());
        assertEquals(1L << 30, Settings.read(props("limit", " 1g ")).config().limit());
        assertEquals(4096, Settings.read(props("limit", "4096")).config().limit());
        assertEquals(4096, Settings.read(props("limit", 4096)).config().limit());
        assertEquals(4096, Settings.read(props("limit", 4096L)).config().limit());
        assertEquals(1L << 20, Settings.read(props("maxAllocation", "1MiB")).config().maxAllocation());
    }

    @Test
    void wholeNumbersAndChoicesMayArriveAsText() {
        Settings s = Settings.read(props("warnPercent", "90", "maxRetries", 5L, "abortExitCode", "71",
                "defaultRecovery", " fail ", "safety", "checked", "abortTimeoutSeconds", "3"));
        assertEquals(new AllocatorConfig(0, 90, AllocatorConfig.DEFAULTS.maxAllocation(), 5, Recovery.FAIL, 71,
                Safety.CHECKED), s.config());
        assertEquals(3, s.abortTimeoutSeconds());
    }

    @Test
    void aValueThatCannotBeUsedIsNamedWithItsSettingAndValue() {
        assertEquals("limit must be a size in bytes (a number, or with k, m, g or t), was lots", rejection("limit", "lots"));
        assertEquals("limit must be a size in bytes (a number, or with k, m, g or t), was 1.5", rejection("limit", 1.5));
        assertEquals("limit must be >= 0 bytes (0 = no limit), was -1", rejection("limit", "-1"));
        assertEquals("warnPercent must be a whole number, was ninety", rejection("warnPercent", "ninety"));
        assertEquals("warnPercent must be between 1 and 100, was 150", rejection("warnPercent", 150));
        assertEquals("maxRetries must be between 0 and 100, was 2147483647", rejection("maxRetries", Long.MAX_VALUE));
        assertEquals("defaultRecovery must be ABORT or FAIL, was RETRY", rejection("defaultRecovery", "RETRY"));
        assertEquals("safety must be FAST or CHECKED, was PARANOID", rejection("safety", "PARANOID"));
        assertEquals("abortTimeoutSeconds must be >= 1, was 0", rejection("abortTimeoutSeconds", 0));
    }

    @Test
    void theLastValidConfigurationIsKeptAndReadBack(@TempDir Path folder) throws Exception {
        Path file = folder.resolve(AllocatorComponent.LAST_VALID_FILE);
        LastValidSettings kept = new LastValidSettings(file.toFile(), System.getLogger("test"));
        assertTrue(kept.load().isEmpty(), "nothing kept yet");
        kept.save(props("limit", 8L << 20, "warnPercent", 70, "service.pid", "io.safealloc.allocator", "other", "x"));
        Settings back = Settings.read(kept.load().orElseThrow());
        assertEquals(8L << 20, back.config().limit());
        assertEquals(70, back.config().warnPercent());
        assertTrue(Files.readString(file).contains("limit=8388608"));
        assertTrue(!Files.readString(file).contains("other"), "only the allocator's keys are kept");
    }

    @Test
    void withoutAFileSystemNothingIsKept() {
        LastValidSettings none = new LastValidSettings(null, System.getLogger("test"));
        none.save(props("limit", 1L));
        assertTrue(none.load().isEmpty());
    }

    @Test
    void limitAutoAndItsReserve() {
        Settings s = Settings.read(props("limit", " Auto ", "autoLimitReserve", "32m"));
        assertEquals(LimitPolicy.auto(32L << 20), s.limitPolicy());
        assertEquals(LimitPolicy.auto(64L << 20), Settings.read(props("limit", "auto")).limitPolicy());
        assertEquals(LimitPolicy.FIXED, Settings.read(props("limit", "64m")).limitPolicy());
        assertEquals("autoLimitReserve must be a size in bytes (a number, or with k, m, g or t), was some",
                rejection("limit", "auto", "autoLimitReserve", "some"));
    }

    @Test
    void pressureSourcesAndThresholds() {
        Settings s = Settings.read(props("pressureSources", "heap, Container", "pressureIntervalMillis", "250",
                "pressureRoot", "/tmp/fixture", "pressureRecovery", "abort", "pressureShrinkPercent", 50,
                "containerHighPercent", 70, "containerCriticalPercent", "80", "pressureHysteresisPercent", 3,
                "psiSomeHighPercent", "12.5", "psiFullCriticalPercent", 5));
        PressureConfig p = s.pressure();
        assertEquals(EnumSet.of(PressureSource.HEAP, PressureSource.CONTAINER), p.sources());
        assertEquals(250, p.intervalMillis());
        assertEquals(Path.of("/tmp/fixture"), p.root());
        assertEquals(Recovery.ABORT, p.recovery());
        assertEquals(50, p.shrinkPercent());
        assertEquals(new Thresholds(70, 80, 3), p.thresholds().get(PressureSource.CONTAINER));
        assertEquals(new Thresholds(85, 95, 3), p.thresholds().get(PressureSource.HEAP));
        assertEquals(12.5, p.psiSomeHigh());
        assertEquals(5.0, p.psiFullCritical());
        assertEquals(EnumSet.of(PressureSource.DIRECT, PressureSource.SYSTEM),
                Settings.read(props("pressureSources", new String[] {"direct", "system"})).pressure().sources());
        assertTrue(Settings.read(props("pressureSources", "none")).pressure().sources().isEmpty());
        assertEquals(PressureConfig.OFF, Settings.read(Map.of()).pressure(), "off unless configured");
    }

    @Test
    void pressureValuesThatCannotBeUsedAreNamed() {
        assertEquals("pressureSources must list heap, direct, container, system (or none), was heap,swap",
                rejection("pressureSources", "heap,swap"));
        assertEquals("pressureRecovery must be DEFER or ABORT, was retry", rejection("pressureRecovery", "retry"));
        assertEquals("pressureRecovery must be DEFER or ABORT, was later", rejection("pressureRecovery", "later"));
        assertEquals("pressureRoot must be an absolute path, was fixture", rejection("pressureRoot", "fixture"));
        assertEquals("pressureIntervalMillis must be between 10 and 3600000, was 1", rejection("pressureIntervalMillis", 1));
        assertEquals("heapHighPercent/heapCriticalPercent/pressureHysteresisPercent: critical threshold must be between "
                + "the high threshold (90) and 100 %, was 80", rejection("heapHighPercent", 90, "heapCriticalPercent", 80));
        assertEquals("psiSomeHighPercent must be a number (a percentage), was high", rejection("psiSomeHighPercent", "high"));
        assertEquals("pressureShrinkPercent must be between 1 and 100, was 0", rejection("pressureShrinkPercent", 0));
    }
}
