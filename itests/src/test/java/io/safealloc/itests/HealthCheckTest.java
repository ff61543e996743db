package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionOptions;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.ObservationConstants;

/**
 * The SafeAlloc health check in Felix, run by the Felix Health Check executor (hc.core 2.2.0) as its
 * servlet and {@code hc:exec} run it: selected by name and by tag; OK → WARN (above the warning
 * threshold) → CRITICAL (at the limit) → OK (freed) as this test bundle allocates and frees; WARN after
 * a refused allocation, with the failure in the log, until the configured window has passed.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class HealthCheckTest {

    private static final long LIMIT = 1 << 20;
    private static final String HC_BUNDLE = "io.safealloc.healthcheck";
    private static final String HC_PID = "io.safealloc.healthcheck";

    @InjectBundleContext
    BundleContext context;

    @InjectService
    AllocatorService allocator;

    @InjectService
    ConfigurationAdmin configAdmin;

    @InjectService
    HealthCheckExecutor executor;

    private final List<MemorySegment> held = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        held.forEach(allocator::rFree);
        Configuration hc = configAdmin.getConfiguration(HC_PID, "?");
        hc.delete();
    }

    @Test
    void okWarnCriticalOkAsThisBundleAllocatesAndFrees() throws Exception {
        freshHealthCheck();
        configure(configAdmin, allocator, LIMIT);
        String me = context.getBundle().getSymbolicName();

        Result ok = awaitStatus(Result.Status.OK);
        assertTrue(text(ok).contains("limit 1.0 MiB (1048576 bytes), warning at 870.4 KiB (891289 bytes)"), text(ok));
        assertTrue(text(ok).contains("last failure: none"), text(ok));

        held.add(allocator.rAlloc(900 << 10)); // 921600 bytes: above the warning threshold
        Result warn = awaitStatus(Result.Status.WARN);
        System.out.println("HealthCheckTest, the WARN result as the executor returned it: " + text(warn)); // README's example
        assertTrue(text(warn).contains("above the warning threshold: 900.0 KiB (921600 bytes) in use"), text(warn));
        assertTrue(text(warn).contains("top holders: " + me + " 900.0 KiB (921600 bytes) in 1 allocations"), text(warn));

        held.add(allocator.rAlloc(LIMIT - (900 << 10))); // exactly at the limit
        Result critical = awaitStatus(Result.Status.CRITICAL);
        assertTrue(text(critical).contains("at the limit: 1.0 MiB (1048576 bytes) in use of 1.0 MiB (1048576 bytes)"),
                text(critical));

        held.forEach(allocator::rFree);
        held.clear();
        Result okAgain = awaitStatus(Result.Status.OK);
        assertFalse(text(okAgain).contains(me), text(okAgain));
    }

    @Test
    void aRefusedAllocationKeepsItAtWarnForTheConfiguredWindow() throws Exception {
        freshHealthCheck();
        configure(configAdmin, allocator, LIMIT);
        String me = context.getBundle().getSymbolicName();
        awaitStatus(Result.Status.OK);

        assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(2 * LIMIT));
        Result warn = awaitStatus(Result.Status.WARN);
        String expected = "LIMIT (GLOBAL) for 2097152 bytes by " + me + ", decision FAIL";
        assertTrue(text(warn).contains("an allocation failed within the last 300 s: " + expected), text(warn));
        assertTrue(text(warn).contains("last failure: " + expected), text(warn));

        // A shorter window, through Config Admin: the failure ages out, the log still names it.
        Configuration hc = configAdmin.getConfiguration(HC_PID, "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("recentFailureSeconds", 1L);
        hc.update(properties);
        Result ok = awaitStatus(Result.Status.OK);
        assertTrue(text(ok).contains("last failure: " + expected), text(ok));
    }

    /** The executor finds it by tag too, with the contract's name. */
    @Test
    void selectedByEachTag() {
        for (String tag : ObservationConstants.HEALTH_CHECK_TAGS) {
            List<HealthCheckExecutionResult> results = executor.execute(HealthCheckSelector.tags(tag), instant());
            assertEquals(1, results.size(), tag);
            assertEquals(ObservationConstants.HEALTH_CHECK_NAME, results.get(0).getHealthCheckMetadata().getName());
        }
    }

    /** Restarted, so that failures other tests provoked before do not count. */
    private void freshHealthCheck() throws Exception {
        Bundle hc = null;
        for (Bundle bundle : context.getBundles()) {
            if (HC_BUNDLE.equals(bundle.getSymbolicName())) {
                hc = bundle;
            }
        }
        assertNotNull(hc, HC_BUNDLE + " installed");
        hc.stop();
        hc.start();
        Fixture.await("the health check registered again", () -> executor
                .execute(HealthCheckSelector.names(ObservationConstants.HEALTH_CHECK_NAME), instant()).size() == 1);
    }

    private static HealthCheckExecutionOptions instant() {
        HealthCheckExecutionOptions options = new HealthCheckExecutionOptions();
        options.setForceInstantExecution(true); // the executor caches results for 2 s otherwise
        return options;
    }

    /** Events reach the check asynchronously: waits until the executor reports {@code status}. */
    private Result awaitStatus(Result.Status status) {
        Result[] last = new Result[1];
        try {
            Fixture.await("health check status " + status, () -> {
                List<HealthCheckExecutionResult> results = executor
                        .execute(HealthCheckSelector.names(ObservationConstants.HEALTH_CHECK_NAME), instant());
                last[0] = results.size() == 1 ? results.get(0).getHealthCheckResult() : null;
                return last[0] != null && last[0].getStatus() == status;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last result: " + (last[0] == null ? "none" : text(last[0])), e);
        }
        return last[0];
    }

    private static String text(Result result) {
        return result.getStatus() + ": " + StreamSupport.stream(result.spliterator(), false)
                .map(ResultLog.Entry::getMessage).collect(Collectors.joining(" | "));
    }
}
