package io.safealloc.jmx;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.BundleStats;
import io.safealloc.api.ObservationConstants;

/**
 * Keeps one {@link BundleBean} registered per bundle account: {@link #refresh} registers the beans of
 * new accounts and unregisters those whose account is gone; {@link #unregisterAll} removes every
 * bean it registered (the component's stop), after which it registers nothing more. Accounts change when bundles start using the allocator
 * or stop, which the component learns from its periodic refresh and from every SafeAlloc event.
 *
 * <p>Thread-safe: both methods are synchronized (a refresh is a few registry calls).
 */
final class BundleBeans {

    private final MBeanServer server;
    private final AllocatorService allocator;
    private final Logger log;
    private final Set<String> registered = new HashSet<>();
    /** Set by {@link #unregisterAll}: a refresh racing the component's stop must not register again. */
    private boolean closed;

    BundleBeans(MBeanServer server, AllocatorService allocator, Logger log) {
        this.server = server;
        this.allocator = allocator;
        this.log = log;
    }

    synchronized void refresh() {
        if (closed) {
            return;
        }
        Set<String> current = new TreeSet<>();
        for (BundleStats bundle : allocator.stats().bundles()) {
            current.add(bundle.bundleName());
        }
        for (String gone : Set.copyOf(registered)) {
            if (!current.contains(gone)) {
                unregister(gone);
            }
        }
        for (String name : current) {
            if (!registered.contains(name)) {
                register(name);
            }
        }
    }

    synchronized void unregisterAll() {
        closed = true;
        for (String name : Set.copyOf(registered)) {
            unregister(name);
        }
    }

    /** @return the bundle names with a registered bean */
    synchronized Set<String> registered() {
        return Set.copyOf(registered);
    }

    private void register(String bundleName) {
        try {
            server.registerMBean(new BundleBean(allocator, bundleName), objectName(bundleName));
            registered.add(bundleName);
        } catch (InstanceAlreadyExistsException e) {
            log.log(Level.WARNING, "{0} is already registered by someone else; not replaced", objectName(bundleName));
        } catch (JMException e) {
            log.log(Level.ERROR, "cannot register " + objectName(bundleName), e);
        }
    }

    private void unregister(String bundleName) {
        registered.remove(bundleName);
        try {
            server.unregisterMBean(objectName(bundleName));
        } catch (InstanceNotFoundException e) {
            // Unregistered by someone else meanwhile: nothing left to do.
        } catch (JMException e) {
            log.log(Level.ERROR, "cannot unregister " + objectName(bundleName), e);
        }
    }

    static ObjectName objectName(String bundleName) {
        try {
            return new ObjectName(ObservationConstants.bundleObjectName(bundleName));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("bundle name not usable in an object name: " + bundleName, e);
        }
    }
}
