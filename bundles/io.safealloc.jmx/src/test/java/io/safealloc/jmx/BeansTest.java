package io.safealloc.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.ObservationConstants;
import io.safealloc.api.Recovery;

/**
 * The bundle beans follow the accounts of a real allocator on an MBean server of their own; events
 * become notifications with open-type user data; bundle names that object names reserve are quoted.
 */
class BeansTest {

    private final SafeAllocator allocator = SafeAllocator.builder()
            .config(AllocatorConfig.DEFAULTS.withLimit(1 << 20).withDefaultRecovery(Recovery.FAIL)).silent().build();
    private final OwnerView sensor = allocator.open(new Owner(7, "com.acme.sensor"));
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    @AfterEach
    void close() {
        sensor.close();
    }

    @Test
    void oneBeanPerAccountGoneWithTheAccountAndNoneLeftAfterUnregisterAll() throws Exception {
        BundleBeans beans = new BundleBeans(server, sensor, System.getLogger("test"));
        OwnerView odd = allocator.open(new Owner(8, "odd,name=*"));
        MemorySegment held = odd.rAlloc(4096);
        beans.refresh();
        ObjectName oddName = new ObjectName(ObservationConstants.bundleObjectName("odd,name=*"));
        assertEquals("io.safealloc:type=Bundle,name=\"odd,name=\\*\"", oddName.toString());
        assertEquals("odd,name=*", ObjectName.unquote(oddName.getKeyProperty("name")));
        assertEquals(4096L, server.getAttribute(oddName, "BytesInUse"));
        assertEquals(1L, server.getAttribute(oddName, "LiveAllocations"));

        odd.rFree(held);
        odd.close(); // the bundle stopped
        beans.refresh();
        assertEquals(Set.of(new ObjectName(ObservationConstants.bundleObjectName("com.acme.sensor"))),
                server.queryNames(new ObjectName(ObservationConstants.BUNDLE_OBJECT_NAME_PATTERN), null));

        beans.unregisterAll();
        assertTrue(server.queryNames(new ObjectName(ObservationConstants.JMX_DOMAIN + ":*"), null).isEmpty());
        beans.refresh(); // an event racing the component's stop
        assertTrue(server.queryNames(new ObjectName(ObservationConstants.JMX_DOMAIN + ":*"), null).isEmpty(),
                "nothing registered again after unregisterAll");
    }

    @Test
    void aDecisionBecomesANotificationWithOpenTypeUserData() {
        MemEvent[] seen = new MemEvent[1];
        allocator.setMemHandler(event -> {
            seen[0] = event;
            return Recovery.FAIL;
        });
        try {
            sensor.rAlloc(2 << 20);
        } catch (io.safealloc.api.MemoryAllocationException expected) {
            // the LIMIT below is what matters
        }
        Map<String, Object> properties = MemoryEvents.figures(seen[0]);
        properties.put(MemoryEvents.DECISION, "FAIL");
        EventNotification notification = EventNotification.of(MemoryEvents.topic(Cause.LIMIT), properties, 42);
        assertEquals("io.safealloc.memory.limit", notification.type());
        assertEquals("LIMIT (GLOBAL) for 2097152 bytes by com.acme.sensor: decision FAIL", notification.message());
        CompositeData data = notification.userData();
        assertEquals(2097152L, data.get(MemoryEvents.SIZE));
        assertEquals("com.acme.sensor", data.get(MemoryEvents.BUNDLE_NAME));
        assertEquals(7L, data.get(MemoryEvents.BUNDLE_ID));
        assertEquals(1, data.get(MemoryEvents.ATTEMPT));

        assertNull(EventNotification.of("io/safealloc/Memory/SOMETHING_NEW", properties, 42), "unknown topics are left out");
        assertEquals(ObservationConstants.NOTIFICATION_LEAK,
                EventNotification.of(MemoryEvents.LEAK, Map.of(MemoryEvents.BUNDLE_NAME, "x", MemoryEvents.COUNT, 2L,
                        MemoryEvents.BYTES, 10L), 42).type());
    }
}
