package io.safealloc.shell;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.Recovery;

/** MemHandler services registered in a real framework, in an order that differs from decision order. */
public final class HandlersFixture {

    public static final class Guard implements MemHandler {
        @Override
        public Recovery handle(MemEvent event) {
            return Recovery.DEFER;
        }
    }

    public static final class Collector implements MemHandler {
        @Override
        public Recovery handle(MemEvent event) {
            return Recovery.DEFER;
        }
    }

    public static final class CacheEvictingHandler implements MemHandler {
        @Override
        public Recovery handle(MemEvent event) {
            return Recovery.DEFER;
        }
    }

    public static final class AuditMemHandler implements MemHandler {
        @Override
        public Recovery handle(MemEvent event) {
            return Recovery.DEFER;
        }
    }

    public static final class LastResort implements MemHandler {
        @Override
        public Recovery handle(MemEvent event) {
            return Recovery.DEFER;
        }
    }

    private HandlersFixture() {
    }

    /**
     * Registers, in this order: audit (ranking "500" as a String: counts as 0), gc (100, with a
     * description and a DS component name), cache-evicting (100, registered after gc), last-resort
     * (no ranking), guard (1000). Decision order: guard, gc, cache-evicting, audit, last-resort.
     */
    public static List<ServiceRegistration<MemHandler>> registerFive(BundleContext context) {
        List<ServiceRegistration<MemHandler>> registrations = new ArrayList<>();
        registrations.add(register(context, new AuditMemHandler(), "500", null, null));
        registrations.add(register(context, new Collector(), 100, "request a GC and wait", "io.safealloc.handlers.gc"));
        registrations.add(register(context, new CacheEvictingHandler(), 100, null, null));
        registrations.add(register(context, new LastResort(), null, null, null));
        registrations.add(register(context, new Guard(), 1000, null, null));
        return registrations;
    }

    public static ServiceRegistration<MemHandler> register(BundleContext context, MemHandler handler, Object ranking,
            String description, String componentName) {
        Hashtable<String, Object> properties = new Hashtable<>();
        if (ranking != null) {
            properties.put(Constants.SERVICE_RANKING, ranking);
        }
        if (description != null) {
            properties.put(MemHandler.DESCRIPTION, description);
        }
        if (componentName != null) {
            properties.put("component.name", componentName);
        }
        return context.registerService(MemHandler.class, handler, properties);
    }
}
