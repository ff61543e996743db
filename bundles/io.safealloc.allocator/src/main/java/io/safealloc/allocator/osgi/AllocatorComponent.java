package io.safealloc.allocator.osgi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.annotation.bundle.Capability;
import org.osgi.annotation.bundle.Requirement;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import io.safealloc.allocator.core.HandlerChain;
import io.safealloc.allocator.core.HandlerNames;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemHandler;

/**
 * Owns the one {@link SafeAllocator} of the framework: applies the configuration live, tracks the
 * {@link MemHandler} whiteboard, holds the quotas, and registers the {@link AllocatorService} that
 * bundles see: a service factory ({@link BundleViews}) that gives each bundle its own view.
 * Published under its own (private) type only for {@link QuotaComponent} and the event publisher;
 * the manifest does not advertise that service (bnd.bnd: only what is declared here by hand is).
 *
 * <p>Handlers are bound dynamically and greedily: a new, removed or re-ranked handler changes the
 * chain for the next event, and the service is never re-registered. DS hands the handlers over in
 * no order that matters here: the chain sorts them itself by ranking, then service id.
 */
@Component(service = AllocatorComponent.class, configurationPid = AllocatorConstants.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = AllocatorConfiguration.class)
@Capability(namespace = "osgi.service", // registered by hand, so bnd cannot see it from @Component
        attribute = "objectClass:List<String>=io.safealloc.api.AllocatorService", uses = AllocatorService.class)
@Requirement(namespace = "osgi.service", filter = "(objectClass=io.safealloc.api.MemHandler)", effective = "active",
        cardinality = Requirement.Cardinality.MULTIPLE, resolution = Requirement.Resolution.OPTIONAL)
public class AllocatorComponent {

    private static final String PID = AllocatorConstants.PID;
    private static final Logger LOG = System.getLogger(PID);

    /** Created before activation: DS binds dynamic references before it calls activate. */
    private final SafeAllocator allocator = SafeAllocator.builder()
            .abortAction((event, code) -> LOG.log(Level.ERROR, "ABORT before activation; ignored"))
            .build();
    private final Map<Long, HandlerChain.Registration> handlers = new ConcurrentHashMap<>();
    private final Map<String, QuotaComponent.Quota> quotas = new ConcurrentHashMap<>();

    /** The file in the bundle's data area that keeps the last valid configuration. */
    static final String LAST_VALID_FILE = "last-valid-configuration.properties";

    private volatile int abortTimeoutSeconds = Settings.DEFAULT_ABORT_TIMEOUT_SECONDS;
    private LastValidSettings lastValid;
    private BundleContext context;
    private BundleViews views;
    private ServiceRegistration<AllocatorService> registration;

    /**
     * Comes up whatever the configuration holds: a configuration that cannot be used runs the last
     * valid one (kept in the bundle's data area) or, if there never was one, the defaults.
     */
    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        lastValid = new LastValidSettings(context.getDataFile(LAST_VALID_FILE), LOG);
        // Before the configuration: a pressure source it starts may cross CRITICAL at its first measurement.
        allocator.setAbortAction(new FrameworkShutdown(context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION),
                () -> abortTimeoutSeconds, LOG));
        try {
            apply(Settings.read(properties), properties, sourceOf(properties));
        } catch (IllegalArgumentException rejected) {
            runLastValid(rejected.getMessage());
        }
        this.context = context;
        views = new BundleViews(allocator, LOG);
        context.addBundleListener(views);
        registration = context.registerService(AllocatorService.class, views, FrameworkUtil.asDictionary(
                Map.of(Constants.SERVICE_DESCRIPTION, "SafeAlloc checked native-memory allocator (a view per bundle)")));
    }

    @Deactivate
    void deactivate() {
        // Unregister first: the framework ungets the service of every user, then what they hold is released.
        registration.unregister();
        context.removeBundleListener(views);
        allocator.closePressure();
        views.releaseAll();
    }

    /** A configuration that cannot be used changes nothing: the running settings stay. */
    @Modified
    void modified(Map<String, Object> properties) {
        try {
            apply(Settings.read(properties), properties, sourceOf(properties));
        } catch (IllegalArgumentException rejected) {
            LOG.log(Level.ERROR, "configuration " + PID + " rejected, previous settings kept: " + rejected.getMessage());
        }
    }

    private void apply(Settings settings, Map<String, ?> properties, String source) {
        configure(settings);
        lastValid.save(properties);
        LOG.log(Level.INFO, "configuration applied from {0}: {1}", source, settings.describe(allocator.config()));
    }

    /** Pressure first: {@code limit=auto} reads the machine under the pressure configuration's root. */
    private void configure(Settings settings) {
        allocator.configurePressure(settings.pressure());
        allocator.configure(settings.config(), settings.limitPolicy());
        abortTimeoutSeconds = settings.abortTimeoutSeconds();
    }

    private void runLastValid(String why) {
        Settings fallback = Settings.DEFAULTS;
        String source = "the defaults (no valid configuration was ever applied)";
        Optional<Map<String, String>> kept = lastValid.load();
        if (kept.isPresent()) {
            try {
                fallback = Settings.read(kept.get());
                source = "the last valid configuration (" + lastValid.where() + ")";
            } catch (IllegalArgumentException unusable) {
                source = "the defaults (the last valid configuration is unusable too: " + unusable.getMessage() + ")";
            }
        }
        configure(fallback);
        LOG.log(Level.ERROR, "configuration {0} rejected: {1}; in force: {2}, from {3}",
                PID, why, fallback.describe(allocator.config()), source);
    }

    private static String sourceOf(Map<String, ?> properties) {
        return properties.containsKey(Constants.SERVICE_PID) ? "Config Admin (" + PID + ")"
                : "the defaults (no configuration " + PID + ")";
    }

    @Reference(service = MemHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            updated = "updatedHandler", unbind = "unbindHandler")
    void bindHandler(MemHandler handler, ServiceReference<MemHandler> reference, Map<String, Object> properties) {
        long id = (Long) properties.get(Constants.SERVICE_ID);
        Object description = properties.get(MemHandler.DESCRIPTION);
        Bundle bundle = reference.getBundle();
        String label = "'" + (description != null ? description : HandlerNames.of(handler)) + "' (service.id " + id
                + (bundle == null ? "" : ", bundle " + AllocatorConstants.bundleName(bundle.getBundleId(),
                        bundle.getSymbolicName())) + ")";
        handlers.put(id, allocator.handlers().add(handler, properties.get(Constants.SERVICE_RANKING), id, label));
    }

    void updatedHandler(Map<String, Object> properties) {
        HandlerChain.Registration registration = handlers.get((Long) properties.get(Constants.SERVICE_ID));
        if (registration != null) {
            registration.setRanking(properties.get(Constants.SERVICE_RANKING));
        }
    }

    void unbindHandler(Map<String, Object> properties) {
        HandlerChain.Registration registration = handlers.remove((Long) properties.get(Constants.SERVICE_ID));
        if (registration != null) {
            registration.unregister();
        }
    }

    /** @return the allocator all bundle views share */
    public SafeAllocator allocator() {
        return allocator;
    }

    /** Sets or replaces the quota configured under {@code pid}. */
    void putQuota(String pid, QuotaComponent.Quota quota) {
        QuotaComponent.Quota old = quotas.put(pid, quota);
        if (old != null && !old.bundle().equals(quota.bundle())) {
            applyQuota(old.bundle());
        }
        applyQuota(quota.bundle());
    }

    void removeQuota(String pid) {
        QuotaComponent.Quota old = quotas.remove(pid);
        if (old != null) {
            applyQuota(old.bundle());
        }
    }

    /** Several configurations may name the same bundle: the smallest positive limit wins. */
    private synchronized void applyQuota(String bundle) {
        long limit = quotas.values().stream().filter(q -> q.bundle().equals(bundle) && q.limit() > 0)
                .mapToLong(QuotaComponent.Quota::limit).min().orElse(0);
        allocator.setQuota(bundle, limit);
        LOG.log(Level.INFO, "quota of {0}: {1}", bundle, limit == 0 ? "none" : limit + " bytes");
    }
}
