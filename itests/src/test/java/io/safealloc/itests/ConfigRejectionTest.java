package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;

/**
 * Configuration with negative or absurd values, through Config Admin: each is rejected as a whole
 * with one ERROR line naming the setting, and the previous settings stay (bad-input catalogue).
 * Every bad configuration also carries a valid new limit (7000), so that a half-applied one shows.
 */
@ExtendWith(ServiceExtension.class)
class ConfigRejectionTest {

    private static final String REJECTED = "SEVERE configuration io.safealloc.allocator rejected, previous settings kept: ";

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private LogRecords log;

    @BeforeEach
    void previousSettings() throws Exception {
        configure(configAdmin, allocator, 5000, AllocatorConstants.WARN_PERCENT, 85, AllocatorConstants.MAX_ALLOCATION, 100_000L);
        log = new LogRecords(AllocatorConstants.PID);
    }

    @AfterEach
    void restore() throws Exception {
        log.close();
        configure(configAdmin, allocator, 0);
    }

    private void update(Object... keyValues) throws Exception {
        Configuration config = configAdmin.getConfiguration(AllocatorConstants.PID, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(AllocatorConstants.DEFAULT_RECOVERY, "FAIL");
        properties.put(AllocatorConstants.LIMIT, 7000L);
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        config.update(properties);
    }

    /** The bad update was rejected with exactly this line, and nothing of it was applied. */
    private void assertRejected(String line) {
        Fixture.await("the log line " + line, () -> log.lines.contains(line));
        assertEquals(5000, allocator.stats().limit(), "the previous limit stays: " + line);
        assertEquals(4250, allocator.stats().warnThreshold(), "the previous warnPercent stays: " + line);
        assertEquals(100_000, allocator.stats().maxAllocation(), "the previous maxAllocation stays: " + line);
    }

    @Test
    void negativeOrAbsurdSettingsAreRejectedWholeWithOneLogLineNamingTheSetting() throws Exception {
        record Bad(Object[] keyValues, String message) {
        }
        List<Bad> bad = List.of(
                new Bad(new Object[] {AllocatorConstants.LIMIT, -1L}, "limit must be >= 0 bytes (0 = no limit), was -1"),
                new Bad(new Object[] {AllocatorConstants.WARN_PERCENT, 0}, "warnPercent must be between 1 and 100, was 0"),
                new Bad(new Object[] {AllocatorConstants.WARN_PERCENT, 250}, "warnPercent must be between 1 and 100, was 250"),
                new Bad(new Object[] {AllocatorConstants.MAX_ALLOCATION, -5L},
                        "maxAllocation must be between 0 and 8796093022207 bytes, was -5"),
                new Bad(new Object[] {AllocatorConstants.MAX_ALLOCATION, Long.MAX_VALUE},
                        "maxAllocation must be between 0 and 8796093022207 bytes, was 9223372036854775807"),
                new Bad(new Object[] {AllocatorConstants.MAX_RETRIES, 1000}, "maxRetries must be between 0 and 100, was 1000"),
                new Bad(new Object[] {AllocatorConstants.DEFAULT_RECOVERY, "MAYBE"}, "defaultRecovery must be ABORT or FAIL, was MAYBE"),
                new Bad(new Object[] {AllocatorConstants.DEFAULT_RECOVERY, "RETRY"}, "defaultRecovery must be ABORT or FAIL, was RETRY"),
                new Bad(new Object[] {AllocatorConstants.ABORT_EXIT_CODE, 0}, "abortExitCode must be between 1 and 255, was 0"),
                new Bad(new Object[] {AllocatorConstants.ABORT_EXIT_CODE, 300}, "abortExitCode must be between 1 and 255, was 300"),
                new Bad(new Object[] {AllocatorConstants.SAFETY, "PARANOID"}, "safety must be FAST or CHECKED, was PARANOID"));
        List<String> problems = new ArrayList<>();
        for (Bad b : bad) {
            log.lines.clear();
            update(b.keyValues);
            try {
                assertRejected(REJECTED + b.message);
                long rejections = log.lines.stream().filter(l -> l.contains("rejected")).count();
                assertEquals(1, rejections, "one line per rejected configuration: " + log.lines);
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * A value of the wrong type ("lots" for a number) is the allocator's own one-line rejection (it
     * reads the properties itself; Declarative Services' conversion used to throw
     * NumberFormatException from the modified method), and the previous settings stay.
     */
    @Test
    void aSettingOfTheWrongTypeLeavesThePreviousSettings() throws Exception {
        String me = org.osgi.framework.FrameworkUtil.getBundle(getClass()).getSymbolicName();
        allocator.rFree(allocator.rAlloc(1)); // an account for the probe quota to show on
        update(AllocatorConstants.LIMIT, "lots", AllocatorConstants.WARN_PERCENT, "ninety");
        // Config Admin delivers updates in order on one thread: once a later change (a quota) shows,
        // the bad configuration has been processed.
        Configuration probe = configAdmin.createFactoryConfiguration(AllocatorConstants.QUOTA_FACTORY_PID, "?");
        Dictionary<String, Object> quota = new Hashtable<>();
        quota.put(AllocatorConstants.QUOTA_BUNDLE, me);
        quota.put(AllocatorConstants.QUOTA_LIMIT, 654_321L);
        probe.update(quota);
        try {
            Fixture.await("the probe quota", () -> allocator.stats().bundles().stream()
                    .anyMatch(b -> b.bundleName().equals(me) && b.limit() == 654_321L));
            assertEquals(5000, allocator.stats().limit(), "the previous limit stays");
            assertEquals(4250, allocator.stats().warnThreshold(), "the previous warnPercent stays");
            assertTrue(log.lines.contains(REJECTED + "limit must be a size in bytes (a number, or with k, m, g or t), "
                    + "was lots"), log.lines.toString());
            assertEquals(1, log.lines.stream().filter(l -> l.contains("rejected")).count(), log.lines.toString());
        } finally {
            probe.delete();
        }
    }

    @Test
    void aValidConfigurationAfterRejectedOnesIsAppliedInFull() throws Exception {
        update(AllocatorConstants.WARN_PERCENT, 0);
        assertRejected(REJECTED + "warnPercent must be between 1 and 100, was 0");
        configure(configAdmin, allocator, 9000, AllocatorConstants.WARN_PERCENT, 50);
        assertEquals(4500, allocator.stats().warnThreshold());
    }

    /**
     * Regression: AllocatorComponent.applyOrKeep used to apply the allocator configuration first and
     * check abortTimeoutSeconds after, so a configuration whose only fault was abortTimeoutSeconds < 1
     * was logged as "rejected, previous settings kept" while its limit and the rest were already live.
     */
    @Test
    void anInvalidAbortTimeoutIsRejectedWholeToo() throws Exception {
        update("abortTimeoutSeconds", 0);
        assertRejected(REJECTED + "abortTimeoutSeconds must be >= 1, was 0");
    }
}
