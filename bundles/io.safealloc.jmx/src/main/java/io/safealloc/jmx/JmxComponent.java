package io.safealloc.jmx;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.ObservationConstants;
import io.safealloc.shell.limit.LimitSetting;
import io.safealloc.shell.report.HandlerDirectory;

/**
 * Publishes the allocator on the platform MBean server while active: the {@link AllocatorBean} under
 * {@value ObservationConstants#ALLOCATOR_OBJECT_NAME} and one {@link BundleBean} per bundle account
 * ({@link BundleBeans}); turns every SafeAlloc Event Admin event into a notification of the allocator
 * bean (this component is an {@link EventHandler} on {@value MemoryEvents#TOPIC_ALL}). Deactivation
 * (the bundle stops, the allocator goes) unregisters every bean it registered.
 *
 * <p>The per-bundle beans follow the accounts: refreshed every {@value #REFRESH_SECONDS} s and after
 * every event (a bundle that stops holding memory posts a LEAK).
 *
 * <p>Thread-safety: DS serialises activate and deactivate; events arrive on Event Admin's threads,
 * refreshes on one scheduler thread; {@link BundleBeans} is synchronized.
 */
@Component(immediate = true, service = EventHandler.class,
        property = EventConstants.EVENT_TOPIC + "=" + MemoryEvents.TOPIC_ALL)
public class JmxComponent implements EventHandler {

    static final long REFRESH_SECONDS = 2;
    /** How long setting the limit waits for the allocator to apply it, as {@code mem:limit}. */
    private static final Duration APPLY_WAIT = Duration.ofSeconds(2);
    private static final Logger LOG = System.getLogger("io.safealloc.jmx");

    @Reference
    private AllocatorService allocator;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configurationAdmin;

    private MBeanServer server;
    private ObjectName allocatorName;
    private volatile AllocatorBean allocatorBean;
    private volatile BundleBeans bundleBeans;
    private ScheduledExecutorService refresher;

    @Activate
    void activate(BundleContext context) throws JMException {
        server = ManagementFactory.getPlatformMBeanServer();
        allocatorName = objectName(ObservationConstants.ALLOCATOR_OBJECT_NAME);
        AllocatorBean bean = new AllocatorBean(allocator, new HandlerDirectory(context), this::limitSetting,
                this::configuredSafety, allocatorName);
        server.registerMBean(bean, allocatorName);
        allocatorBean = bean;
        bundleBeans = new BundleBeans(server, allocator, LOG);
        bundleBeans.refresh();
        refresher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "safealloc-jmx-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refreshQuietly, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
        LOG.log(Level.INFO, "JMX: {0} registered, {1} bundle beans", ObservationConstants.ALLOCATOR_OBJECT_NAME,
                String.valueOf(bundleBeans.registered().size()));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        allocatorBean = null;
        refresher.shutdownNow();
        refresher.awaitTermination(5, TimeUnit.SECONDS);
        bundleBeans.unregisterAll();
        try {
            server.unregisterMBean(allocatorName);
        } catch (JMException e) {
            LOG.log(Level.WARNING, "JMX: " + allocatorName + " was already gone", e);
        }
    }

    @Override
    public void handleEvent(Event event) {
        AllocatorBean bean = allocatorBean;
        if (bean == null) {
            return; // deactivated meanwhile
        }
        Map<String, Object> properties = new HashMap<>();
        for (String key : event.getPropertyNames()) {
            if (!EventConstants.EVENT_TOPIC.equals(key)) {
                properties.put(key, event.getProperty(key));
            }
        }
        EventNotification notification = EventNotification.of(event.getTopic(), properties, System.currentTimeMillis());
        if (notification != null) {
            bean.send(notification);
        }
        if (!MemoryEvents.ABORT.equals(event.getTopic())) { // ABORT arrives synchronously: do not delay the stop
            refreshQuietly();
        }
    }

    private void refreshQuietly() {
        try {
            BundleBeans beans = bundleBeans;
            if (beans != null && allocatorBean != null) {
                beans.refresh();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "JMX: refreshing the bundle beans failed", e);
        }
    }

    private LimitSetting limitSetting() {
        ConfigurationAdmin admin = configurationAdmin;
        return admin == null ? null : new LimitSetting(admin, () -> allocator.stats().limit(), APPLY_WAIT);
    }

    /** Reads the stored value without creating the configuration (getConfiguration would). */
    private String configuredSafety() {
        ConfigurationAdmin admin = configurationAdmin;
        if (admin == null) {
            return "unknown (no Config Admin)";
        }
        try {
            Configuration[] found = admin.listConfigurations("(service.pid=" + AllocatorConstants.PID + ")");
            Object safety = found == null || found.length == 0 || found[0].getProperties() == null ? null
                    : found[0].getProperties().get(AllocatorConstants.SAFETY);
            return safety == null ? "FAST" : safety.toString();
        } catch (IOException | InvalidSyntaxException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new AssertionError("the API's object name is valid", e);
        }
    }
}
