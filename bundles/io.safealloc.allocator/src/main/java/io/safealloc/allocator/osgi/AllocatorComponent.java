package io.safealloc.allocator.osgi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
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

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.HandlerChain;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemHandler;
import io.safealloc.api.Recovery;

/**
 * Owns the one {@link SafeAllocator} of the framework: applies the configuration live, tracks the
 * {@link MemHandler} whiteboard, holds the quotas, and registers the {@link AllocatorService} that
 * bundles see: a service factory ({@link BundleViews}) that gives each bundle its own view.
 * Published under its own (private) type only for {@link QuotaComponent} and the event publisher.
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
public class AllocatorComponent {

    private static final String PID = AllocatorConstants.PID;
    private static final Logger LOG = System.getLogger(PID);

    /** Created before activation: DS binds dynamic references before it calls activate. */
    private final SafeAllocator allocator = SafeAllocator.builder()
            .abortAction((event, code) -> LOG.log(Level.ERROR, "ABORT before activation; ignored"))
            .build();
    private final Map<Long, HandlerChain.Registration> handlers = new ConcurrentHashMap<>();
    private final Map<String, QuotaComponent.Quota> quotas = new ConcurrentHashMap<>();

    private volatile int abortTimeoutSeconds = 10;
    private BundleContext context;
    private BundleViews views;
    private ServiceRegistration<AllocatorService> registration;

    @Activate
    void activate(BundleContext context, AllocatorConfiguration config) {
        applyOrKeep(config, true);
        allocator.setAbortAction(new FrameworkShutdown(context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION),
                () -> abortTimeoutSeconds, LOG));
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
        views.releaseAll();
    }

    @Modified
    void modified(AllocatorConfiguration config) {
        applyOrKeep(config, false);
    }

    private void applyOrKeep(AllocatorConfiguration config, boolean initial) {
        try {
            // Validate every setting before applying any: a rejected configuration is rejected whole.
            AllocatorConfig validated = toConfig(config);
            if (config.abortTimeoutSeconds() < 1) {
                throw new IllegalArgumentException("abortTimeoutSeconds must be >= 1, was " + config.abortTimeoutSeconds());
            }
            allocator.configure(validated);
            abortTimeoutSeconds = config.abortTimeoutSeconds();
            LOG.log(Level.INFO, "configuration applied: {0}", allocator.config());
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "configuration " + PID + " rejected, " + (initial ? "defaults" : "previous settings")
                    + " kept: " + e.getMessage());
        }
    }

    static AllocatorConfig toConfig(AllocatorConfiguration c) {
        Recovery recovery;
        try {
            recovery = Recovery.valueOf(c.defaultRecovery().trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("defaultRecovery must be ABORT or FAIL, was " + c.defaultRecovery());
        }
        io.safealloc.allocator.core.Safety safety;
        try {
            safety = io.safealloc.allocator.core.Safety.valueOf(c.safety().trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("safety must be FAST or CHECKED, was " + c.safety());
        }
        long maxAllocation = c.maxAllocation() == 0 ? AllocatorConfig.DEFAULTS.maxAllocation() : c.maxAllocation();
        return new AllocatorConfig(c.limit(), c.warnPercent(), maxAllocation, c.maxRetries(), recovery,
                c.abortExitCode(), safety);
    }

    @Reference(service = MemHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            updated = "updatedHandler", unbind = "unbindHandler")
    void bindHandler(MemHandler handler, Map<String, Object> properties) {
        long id = (Long) properties.get(Constants.SERVICE_ID);
        Object description = properties.getOrDefault(MemHandler.DESCRIPTION, handler.getClass().getName());
        handlers.put(id, allocator.handlers().add(handler, properties.get(Constants.SERVICE_RANKING), id,
                String.valueOf(description)));
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
