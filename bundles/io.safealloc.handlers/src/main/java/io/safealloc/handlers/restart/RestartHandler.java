package io.safealloc.handlers.restart;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;
import io.safealloc.handlers.ServiceRanking;

/**
 * The {@code restart} handler as a service: {@link FrameworkRestart} announcing on Event Admin
 * ({@code sendEvent}, when Event Admin is there) and updating the system bundle. Registered only
 * while PID {@value #PID} is configured.
 */
@Component(configurationPid = RestartHandler.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {"service.ranking:Integer=" + RestartHandler.DEFAULT_RANKING,
                MemHandler.DESCRIPTION + "=restart: restart the OSGi framework in place instead of exiting; FAIL"})
@Designate(ocd = RestartConfiguration.class)
public class RestartHandler implements MemHandler {

    public static final String PID = "io.safealloc.handlers.restart";
    /** Negative: the last word before the default handler, after every handler that can recover. */
    public static final int DEFAULT_RANKING = -100;

    private static final Logger LOG = System.getLogger(PID);

    /** Optional: without Event Admin the restart still happens, only the guard cannot count it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private volatile FrameworkRestart restart;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        restart = new FrameworkRestart(this::announce, system::update, LOG);
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        LOG.log(Level.INFO, "restart handler: ranking {0}", String.valueOf(ServiceRanking.check(properties, PID, LOG)));
    }

    private void announce(Map<String, Object> properties) {
        EventAdmin events = eventAdmin;
        if (events == null) {
            LOG.log(Level.WARNING, "no Event Admin: the restart is not announced, a crash-loop guard cannot count it");
            return;
        }
        events.sendEvent(new Event(MemoryEvents.ABORT, properties));
    }

    @Override
    public Recovery handle(MemEvent event) {
        return restart.handle(event);
    }
}
