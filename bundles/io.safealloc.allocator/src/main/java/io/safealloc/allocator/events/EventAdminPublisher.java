package io.safealloc.allocator.events;

import java.util.HashMap;
import java.util.Map;

import org.osgi.annotation.bundle.Requirement;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.safealloc.allocator.core.AllocatorObserver;
import io.safealloc.allocator.core.Leaks;
import io.safealloc.allocator.osgi.AllocatorComponent;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;

/**
 * Publishes the allocator's events on Event Admin, when there is one.
 *
 * <p>Decisions and leaks are posted asynchronously ({@code postEvent}): the allocating thread never
 * waits for the listeners. ABORT is the exception: it is sent synchronously, because the framework
 * is about to stop and a posted event could be dropped on the way; listeners such as a crash-loop
 * guard must see it before the process ends.
 *
 * <p>Event Admin is optional for the bundle (an optional import and an optional requirement, declared
 * here by hand, see bnd.bnd): without it this component stays unsatisfied and the allocator works
 * the same.
 */
@Component(service = {})
@Requirement(namespace = "osgi.service", filter = "(objectClass=org.osgi.service.event.EventAdmin)",
        effective = "active", resolution = Requirement.Resolution.OPTIONAL)
public class EventAdminPublisher implements AllocatorObserver {

    @Reference
    private AllocatorComponent runtime;

    @Reference
    private EventAdmin eventAdmin;

    @Activate
    void activate() {
        runtime.allocator().addObserver(this);
    }

    @Deactivate
    void deactivate() {
        runtime.allocator().removeObserver(this);
    }

    @Override
    public void decided(MemEvent event, Recovery decision) {
        Map<String, Object> properties = MemoryEvents.figures(event);
        properties.put(MemoryEvents.DECISION, decision.name());
        eventAdmin.postEvent(new Event(MemoryEvents.topic(event.cause()), properties));
    }

    @Override
    public void released(Leaks leaks) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(MemoryEvents.BUNDLE_ID, leaks.owner().id());
        properties.put(MemoryEvents.BUNDLE_NAME, leaks.owner().name());
        properties.put(MemoryEvents.COUNT, leaks.count());
        properties.put(MemoryEvents.BYTES, leaks.bytes());
        properties.put(MemoryEvents.ARENAS, leaks.arenas());
        properties.put(MemoryEvents.ARENA_BYTES, leaks.arenaBytes());
        properties.put(MemoryEvents.DECISION, MemoryEvents.RELEASED);
        eventAdmin.postEvent(new Event(MemoryEvents.LEAK, properties));
    }

    @Override
    public void aborting(MemEvent event, int exitCode) {
        Map<String, Object> properties = MemoryEvents.figures(event);
        properties.put(MemoryEvents.DECISION, Recovery.ABORT.name());
        properties.put(MemoryEvents.EXIT_CODE, exitCode);
        eventAdmin.sendEvent(new Event(MemoryEvents.ABORT, properties));
    }
}
