package io.safealloc.handlers.audit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.Recovery;
import io.safealloc.handlers.ServiceRanking;

/**
 * The {@code audit} handler as a service: {@link AuditLog} on the System.Logger
 * {@value #PID} at the configured level. Registered only while PID {@value #PID} is configured; a
 * configuration change applies without re-registering the service.
 */
@Component(configurationPid = AuditHandler.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {"service.ranking:Integer=" + AuditHandler.DEFAULT_RANKING,
                MemHandler.DESCRIPTION + "=audit: log the event, its figures and top holders; DEFER"})
@Designate(ocd = AuditConfiguration.class)
public class AuditHandler implements MemHandler {

    public static final String PID = "io.safealloc.handlers.audit";
    /** High, below the crash-loop guard: sees every event the guard lets through. */
    public static final int DEFAULT_RANKING = 900;

    private static final Logger LOG = System.getLogger(PID);

    private volatile AuditLog audit = new AuditLog(LOG, Level.INFO);

    @Activate
    @Modified
    void configure(AuditConfiguration config, Map<String, Object> properties) {
        int ranking = ServiceRanking.check(properties, PID, LOG);
        try {
            audit = new AuditLog(LOG, Level.valueOf(config.level().trim().toUpperCase(Locale.ROOT)));
            LOG.log(Level.INFO, "audit handler: ranking {0}, level {1}", String.valueOf(ranking), audit.level());
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "{0}: level must be one of TRACE, DEBUG, INFO, WARNING, ERROR, OFF, was \"{1}\"; "
                    + "{2} kept", PID, config.level(), audit.level());
        }
    }

    @Override
    public Recovery handle(MemEvent event) {
        return audit.handle(event);
    }
}
