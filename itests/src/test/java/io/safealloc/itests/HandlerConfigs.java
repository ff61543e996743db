package io.safealloc.itests;

import java.io.IOException;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.safealloc.api.MemHandler;

/** Configures the standard handlers (bundle io.safealloc.handlers) through Config Admin. */
final class HandlerConfigs {

    static final String GC = "io.safealloc.handlers.gc";
    static final String AUDIT = "io.safealloc.handlers.audit";
    static final String RESTART = "io.safealloc.handlers.restart";
    static final String GUARD = "io.safealloc.handlers.guard";
    static final String[] ALL = {GC, AUDIT, RESTART, GUARD};

    private HandlerConfigs() {
    }

    /** Creates or replaces the configuration of {@code pid} with the given key/value pairs. */
    static void configure(ConfigurationAdmin admin, String pid, Object... keyValues) throws IOException {
        Dictionary<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        admin.getConfiguration(pid, "?").update(properties);
    }

    /** Deletes the configurations of every standard handler and waits until their services are gone. */
    static void deleteAll(ConfigurationAdmin admin, BundleContext context) throws IOException, InvalidSyntaxException {
        for (String pid : ALL) {
            Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
            if (found != null) {
                for (Configuration configuration : found) {
                    configuration.delete();
                }
            }
        }
        for (String pid : ALL) {
            Fixture.await(pid + " unregistered", () -> handler(context, pid) == null);
        }
    }

    /** @return the bundle io.safealloc.handlers */
    static Bundle bundle(BundleContext context) {
        return Arrays.stream(context.getBundles()).filter(b -> "io.safealloc.handlers".equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("io.safealloc.handlers is not installed"));
    }

    /** @return the MemHandler service the component of {@code pid} registered, or null */
    static ServiceReference<MemHandler> handler(BundleContext context, String pid) {
        try {
            var found = context.getServiceReferences(MemHandler.class, "(service.pid=" + pid + ")");
            return found.isEmpty() ? null : found.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Waits until the handler of {@code pid} is registered with properties matching {@code condition}. */
    static ServiceReference<MemHandler> awaitHandler(BundleContext context, String pid,
            Predicate<ServiceReference<MemHandler>> condition) {
        Fixture.await(pid + " registered as wanted", () -> {
            ServiceReference<MemHandler> reference = handler(context, pid);
            return reference != null && condition.test(reference);
        });
        return handler(context, pid);
    }

    static Predicate<ServiceReference<MemHandler>> ranked(int ranking) {
        return reference -> Integer.valueOf(ranking).equals(reference.getProperty("service.ranking"));
    }
}
