package io.safealloc.itests;

import static io.safealloc.itests.Fixture.await;
import static io.safealloc.itests.Fixture.configure;
import static io.safealloc.itests.Fixture.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureReading;
import io.safealloc.api.PressureSource;
import io.safealloc.api.Recovery;

/**
 * Pressure sources in a real Felix, configured live through Config Admin: the container source
 * reads a cgroup v2 fixture tree whose figures the test changes; crossings reach the MemHandler
 * services in ranking order, hot-swapped handlers take over for the next crossing, and Event
 * Admin carries them on {@code io/safealloc/Memory/PRESSURE}.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class PressureSourcesTest {

    private static final long LIMIT = 1 << 20;
    private static final long CGROUP_MAX = 1_000_000;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private Path root;
    private final BlockingQueue<String> asked = new LinkedBlockingQueue<>();
    private final BlockingQueue<Event> posted = new LinkedBlockingQueue<>();
    private ServiceRegistration<EventHandler> listener;

    @BeforeEach
    void fixture() throws IOException {
        root = Files.createTempDirectory("safealloc-cgroup");
        write("/proc/self/cgroup", "0::/gateway\n");
        write("/proc/self/mountinfo", "30 22 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        write("/sys/fs/cgroup/gateway/memory.max", CGROUP_MAX + "\n");
        current(100_000);
        Dictionary<String, Object> topic = new Hashtable<>();
        topic.put(EventConstants.EVENT_TOPIC, MemoryEvents.topic(Cause.PRESSURE));
        listener = context.registerService(EventHandler.class, posted::add, topic);
    }

    @AfterEach
    void cleanUp() throws IOException {
        listener.unregister();
        configure(configAdmin, allocator, LIMIT); // no pressure source: the monitor's thread ends
        await("no pressure source", () -> allocator.stats().pressure().isEmpty());
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void write(String absolute, String content) throws IOException {
        Path file = root.resolve(absolute.substring(1));
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void current(long bytes) throws IOException {
        write("/sys/fs/cgroup/gateway/memory.current", bytes + "\n");
    }

    private void measureContainer(Object... more) throws IOException {
        Object[] settings = Stream.concat(Stream.of(AllocatorConstants.PRESSURE_SOURCES, "container",
                AllocatorConstants.PRESSURE_ROOT, root.toString(), AllocatorConstants.PRESSURE_INTERVAL_MILLIS, 20),
                Stream.of(more)).toArray();
        configure(configAdmin, allocator, LIMIT, settings);
        await("the container source measured", () -> container() != null && container().active());
    }

    private PressureReading container() {
        return allocator.stats().pressure().stream().filter(r -> r.source() == PressureSource.CONTAINER).findFirst()
                .orElse(null);
    }

    private MemHandler recording(String name, Recovery decision) {
        return event -> {
            if (event.cause() == Cause.PRESSURE) {
                asked.add(name + " " + event.previousPressureLevel() + "->" + event.pressure().orElseThrow().level());
            }
            return decision;
        };
    }

    private String nextAsked() throws InterruptedException {
        String next = asked.poll(10, TimeUnit.SECONDS);
        assertTrue(next != null, "no handler asked within 10 s");
        return next;
    }

    @Test
    void configuredLiveAHigherRankedHandlerSeesPressureFirstAndEventAdminCarriesIt() throws Exception {
        ServiceRegistration<MemHandler> low = register(context, recording("low", Recovery.DEFER), 10);
        ServiceRegistration<MemHandler> high = register(context, recording("high", Recovery.DEFER), 20);
        try {
            measureContainer();
            assertEquals(10.0, container().percent(), 1e-9);
            current(900_000);
            assertEquals("high NORMAL->HIGH", nextAsked());
            assertEquals("low NORMAL->HIGH", nextAsked());
            Event event = posted.poll(10, TimeUnit.SECONDS);
            assertTrue(event != null, "posted on Event Admin");
            assertEquals("CONTAINER", event.getProperty(MemoryEvents.PRESSURE_SOURCE));
            assertEquals("HIGH", event.getProperty(MemoryEvents.PRESSURE_LEVEL));
            assertEquals("NORMAL", event.getProperty(MemoryEvents.PRESSURE_PREVIOUS_LEVEL));
            assertEquals(90.0, (Double) event.getProperty(MemoryEvents.PRESSURE_PERCENT), 1e-9);
            assertEquals("DEFER", event.getProperty(MemoryEvents.DECISION));
            assertEquals(PressureLevel.HIGH, container().level());
        } finally {
            low.unregister();
            high.unregister();
        }
    }

    @Test
    void aHotSwappedHandlerTakesOverForTheNextCrossing() throws Exception {
        ServiceRegistration<MemHandler> first = register(context, recording("first", Recovery.FAIL), 50);
        try {
            measureContainer();
            current(900_000);
            assertEquals("first NORMAL->HIGH", nextAsked());
        } finally {
            first.unregister();
        }
        ServiceRegistration<MemHandler> second = register(context, recording("second", Recovery.FAIL), 50);
        try {
            current(100_000);
            assertEquals("second HIGH->NORMAL", nextAsked());
            assertTrue(asked.isEmpty(), asked.toString());
        } finally {
            second.unregister();
        }
    }

    @Test
    void thresholdsAndSourcesChangeLive() throws Exception {
        ServiceRegistration<MemHandler> handler = register(context, recording("h", Recovery.DEFER), 0);
        try {
            current(600_000);
            measureContainer();
            assertEquals(PressureLevel.NORMAL, container().level());
            assertEquals(85, container().highPercent());
            measureContainer(AllocatorConstants.CONTAINER_HIGH_PERCENT, 50, AllocatorConstants.CONTAINER_CRITICAL_PERCENT, 70);
            assertEquals("h NORMAL->HIGH", nextAsked());
            assertEquals(50, container().highPercent());
            configure(configAdmin, allocator, LIMIT, AllocatorConstants.PRESSURE_SOURCES, "none");
            await("no source", () -> allocator.stats().pressure().isEmpty());
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("safealloc-pressure") && t.isAlive()), "no thread without a source");
        } finally {
            handler.unregister();
        }
    }

    @Test
    void aBrokenCgroupFileSwitchesTheSourceOffAndTheAllocatorGoesOn() throws Exception {
        measureContainer();
        write("/sys/fs/cgroup/gateway/memory.current", "not a number\n");
        await("the source switched off", () -> !container().active());
        assertTrue(container().detail().contains("holds 'not a number', not a number of bytes"), container().detail());
        allocator.rFree(allocator.rAlloc(128));
        List<PressureReading> readings = allocator.stats().pressure();
        assertEquals(1, readings.size());
    }
}
