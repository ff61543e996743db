package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static io.safealloc.itests.Fixture.register;
import static io.safealloc.itests.HandlerConfigs.AUDIT;
import static io.safealloc.itests.HandlerConfigs.GC;
import static io.safealloc.itests.HandlerConfigs.GUARD;
import static io.safealloc.itests.HandlerConfigs.RESTART;
import static io.safealloc.itests.HandlerConfigs.awaitHandler;
import static io.safealloc.itests.HandlerConfigs.ranked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * The standard handlers of bundle io.safealloc.handlers in Felix: off until configured, registered
 * with the configured ranking, and a configuration update re-orders the allocator's chain.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class StandardHandlersTest {

    private static final long LIMIT = 4096;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 5000)
    MetaTypeService metaType;

    /** Who was asked about the last LIMIT event, in order; the audit handler shows up through its log. */
    private final List<String> asked = new CopyOnWriteArrayList<>();
    /** Strongly held: java.util.logging keeps loggers weakly, and the handler must stay attached. */
    private final Logger auditLog = Logger.getLogger(AUDIT);
    private final Handler auditLines = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getMessage() != null && record.getMessage().startsWith("memory LIMIT")) {
                asked.add("audit");
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<ServiceRegistration<MemHandler>> registrations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        configure(configAdmin, allocator, LIMIT); // default recovery FAIL: nothing here may end the framework
        auditLog.addHandler(auditLines);
    }

    @AfterEach
    void tearDown() throws Exception {
        auditLog.removeHandler(auditLines);
        registrations.forEach(ServiceRegistration::unregister);
        HandlerConfigs.deleteAll(configAdmin, context);
    }

    private ServiceRegistration<MemHandler> answering(String name, Recovery decision, int ranking) {
        ServiceRegistration<MemHandler> registration = register(context, event -> {
            if (event.cause() == Cause.LIMIT) {
                asked.add(name);
            }
            return decision;
        }, ranking);
        registrations.add(registration);
        return registration;
    }

    /** One allocation over the limit: the chain decides FAIL; {@link #asked} tells who was asked. */
    private List<String> askedAboutOneLimit() {
        asked.clear();
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(LIMIT + 1));
        assertEquals(Recovery.FAIL, e.decision());
        return List.copyOf(asked);
    }

    /** Config Admin and SCR apply changes on their own threads: allocate until the chain is as expected. */
    private void awaitChain(String... expected) {
        Fixture.await("chain " + Arrays.toString(expected), () -> askedAboutOneLimit().equals(List.of(expected)));
    }

    @Test
    void theConfiguredRankingOrdersTheChainAndAConfigurationUpdateReordersIt() throws Exception {
        answering("above", Recovery.DEFER, 950);
        ServiceRegistration<MemHandler> decider = answering("decider", Recovery.FAIL, 500);

        HandlerConfigs.configure(configAdmin, AUDIT, "service.ranking", 900, "level", "WARNING");
        long serviceId = (Long) awaitHandler(context, AUDIT, ranked(900)).getProperty("service.id");
        awaitChain("above", "audit", "decider");

        HandlerConfigs.configure(configAdmin, AUDIT, "service.ranking", 400, "level", "WARNING");
        awaitHandler(context, AUDIT, ranked(400));
        awaitChain("above", "decider");

        decider.unregister();
        registrations.remove(decider);
        assertEquals(List.of("above", "audit"), askedAboutOneLimit(), "the audit is still there, below 500");

        HandlerConfigs.configure(configAdmin, AUDIT, "service.ranking", 960, "level", "WARNING");
        awaitChain("audit", "above");

        assertEquals(serviceId, HandlerConfigs.handler(context, AUDIT).getProperty("service.id"),
                "re-ranked in place: the service was never re-registered");
    }

    @Test
    void eachHandlerIsRegisteredOnlyWhileConfiguredWithItsDefaultRankingAndDescription() throws Exception {
        // Nothing may reach the restart handler while it is registered: a handler above all decides.
        answering("safety", Recovery.FAIL, Integer.MAX_VALUE);
        for (String pid : HandlerConfigs.ALL) {
            assertNull(HandlerConfigs.handler(context, pid), pid + " is off until configured");
            HandlerConfigs.configure(configAdmin, pid);
        }

        assertRegistered(GUARD, 1000, "crash-loop guard: ");
        assertRegistered(AUDIT, 900, "audit: ");
        assertRegistered(GC, 100, "gc: ");
        assertRegistered(RESTART, -100, "restart: ");

        HandlerConfigs.deleteAll(configAdmin, context);
        for (String pid : HandlerConfigs.ALL) {
            assertNull(HandlerConfigs.handler(context, pid), pid + " is off again without its configuration");
        }
    }

    private void assertRegistered(String pid, int ranking, String description) {
        ServiceReference<MemHandler> reference = awaitHandler(context, pid, r -> true);
        assertEquals(Integer.valueOf(ranking), reference.getProperty("service.ranking"), pid);
        String text = (String) reference.getProperty(MemHandler.DESCRIPTION);
        assertNotNull(text, pid + " has a description");
        assertTrue(text.startsWith(description), text);
        assertEquals("io.safealloc.handlers", reference.getBundle().getSymbolicName());
    }

    @Test
    void everyHandlerHasMetatypeWithAnIntegerRanking() {
        MetaTypeInformation info = metaType.getMetaTypeInformation(HandlerConfigs.bundle(context));
        assertEquals(List.of(AUDIT, GC, GUARD, RESTART), Arrays.stream(info.getPids()).sorted().toList());
        for (String pid : HandlerConfigs.ALL) {
            ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
            AttributeDefinition ranking = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL))
                    .filter(ad -> ad.getID().equals("service.ranking")).findFirst().orElseThrow();
            assertEquals(AttributeDefinition.INTEGER, ranking.getType(), pid);
        }
    }
}
