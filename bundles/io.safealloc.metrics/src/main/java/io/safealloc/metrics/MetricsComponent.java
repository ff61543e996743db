package io.safealloc.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.micrometer.core.instrument.MeterRegistry;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryEvents;

/**
 * Binds {@link SafeAllocMeterBinder} to every Micrometer {@link MeterRegistry} registered as an OSGi
 * service (as openHAB registers its registry), and unbinds it when the registry or this bundle goes.
 * Counts decisions from Event Admin ({@link EventHandler} on {@value MemoryEvents#TOPIC_ALL}) and
 * refreshes the per-bundle gauges every {@value #REFRESH_SECONDS} s and after every event.
 *
 * <p>Thread-safety: the binder is thread-safe; DS serialises activate/deactivate; registries come and
 * go on any thread.
 */
@Component(immediate = true, service = EventHandler.class, property = EventConstants.EVENT_TOPIC + "=" + MemoryEvents.TOPIC_ALL)
public class MetricsComponent implements EventHandler {

    static final long REFRESH_SECONDS = 2;

    private final SafeAllocMeterBinder binder;
    private final ScheduledExecutorService refresher;

    /** The binder exists from construction: DS binds the dynamic registries before activation. */
    @Activate
    public MetricsComponent(@Reference AllocatorService allocator) {
        this.binder = new SafeAllocMeterBinder(allocator);
        this.refresher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "safealloc-metrics-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(binder::refreshBundles, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRegistry(MeterRegistry registry) {
        binder.bindTo(registry);
    }

    void removeRegistry(MeterRegistry registry) {
        binder.unbindFrom(registry);
    }

    @Deactivate
    void deactivate() {
        refresher.shutdownNow();
    }

    @Override
    public void handleEvent(Event event) {
        Map<String, Object> properties = new HashMap<>();
        for (String key : event.getPropertyNames()) {
            properties.put(key, event.getProperty(key));
        }
        binder.onEvent(event.getTopic(), properties);
        binder.refreshBundles();
    }
}
