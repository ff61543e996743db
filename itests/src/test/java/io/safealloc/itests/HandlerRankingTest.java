package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static io.safealloc.itests.Fixture.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/** MemHandler services decide in OSGi ranking order, and the order follows the registry live. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class HandlerRankingTest {

    private static final long LIMIT = 4096;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private final List<String> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void budget() throws Exception {
        configure(configAdmin, allocator, LIMIT);
    }

    private MemHandler answering(String name, Recovery decision) {
        return event -> {
            if (event.cause() != Cause.WARNING) {
                asked.add(name);
            }
            return decision;
        };
    }

    /** Over the limit: the handlers decide, and the deciding one is the last asked. */
    private String decider() {
        asked.clear();
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(LIMIT + 1));
        assertEquals(Cause.LIMIT, e.cause());
        return asked.isEmpty() ? "default" : asked.get(asked.size() - 1);
    }

    @Test
    void theHighestRankedHandlerDecidesAndUnregisteringPassesToTheNext() {
        ServiceRegistration<MemHandler> ten = register(context, answering("ten", Recovery.FAIL), 10);
        ServiceRegistration<MemHandler> twenty = register(context, answering("twenty", Recovery.FAIL), 20);
        try {
            assertEquals("twenty", decider());
            assertEquals(List.of("twenty"), asked, "ten was not asked");
            twenty.unregister();
            assertEquals("ten", decider());
        } finally {
            ten.unregister();
        }
    }

    @Test
    void setPropertiesReRanksWithoutReRegistering() {
        ServiceRegistration<MemHandler> ten = register(context, answering("ten", Recovery.FAIL), 10);
        ServiceRegistration<MemHandler> thirty = register(context, answering("thirty", Recovery.FAIL), 30);
        try {
            assertEquals("thirty", decider());
            Hashtable<String, Object> raised = new Hashtable<>();
            raised.put("service.ranking", 40);
            ten.setProperties(raised);
            assertEquals("ten", decider());
        } finally {
            ten.unregister();
            thirty.unregister();
        }
    }

    @Test
    void deferPassesDownTheChainToTheDefault() {
        ServiceRegistration<MemHandler> top = register(context, answering("top", Recovery.DEFER), 100);
        ServiceRegistration<MemHandler> middle = register(context, answering("middle", Recovery.DEFER), 50);
        try {
            MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(LIMIT + 1));
            assertEquals(List.of("top", "middle"), asked);
            assertEquals(Recovery.FAIL, e.decision(), "the default handler, configured FAIL for the tests");
        } finally {
            top.unregister();
            middle.unregister();
        }
    }

    @Test
    void equalRankingsKeepEveryHandlerLowestServiceIdFirst() {
        ServiceRegistration<MemHandler> first = register(context, answering("first", Recovery.DEFER), 7);
        ServiceRegistration<MemHandler> second = register(context, answering("second", Recovery.DEFER), 7);
        ServiceRegistration<MemHandler> notInteger = register(context, answering("long", Recovery.DEFER), 99L);
        try {
            decider();
            assertEquals(List.of("first", "second", "long"), asked, "a Long ranking counts as 0");
        } finally {
            first.unregister();
            second.unregister();
            notInteger.unregister();
        }
    }

    @Test
    void aRetryingHandlerThatFreesMemoryLetsTheAllocationSucceed() {
        var reserve = allocator.rAlloc(LIMIT - 100);
        ServiceRegistration<MemHandler> freer = register(context, event -> {
            if (event.cause() == Cause.WARNING) {
                return Recovery.DEFER;
            }
            allocator.rFree(reserve);
            return Recovery.RETRY;
        }, 0);
        try {
            var segment = allocator.rAlloc(1000);
            assertEquals(1000, segment.byteSize());
            allocator.rFree(segment);
        } finally {
            freer.unregister();
        }
    }

    @Test
    void withNoHandlerTheDefaultDecides() {
        assertEquals("default", decider());
    }
}
