package io.safealloc.allocator.osgi;

import java.lang.System.Logger.Level;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One per-bundle budget: a factory configuration of PID {@value #FACTORY_PID} naming a bundle
 * symbolic name and a limit. Exceeding it is a {@code LIMIT} event with budget {@code BUNDLE}.
 */
@Component(service = {}, configurationPid = QuotaComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = QuotaConfiguration.class, factory = true)
public class QuotaComponent {

    /** The factory PID of bundle quotas. */
    public static final String FACTORY_PID = "io.safealloc.quota";

    /** A validated quota. */
    record Quota(String bundle, long limit) {
    }

    @Reference
    private AllocatorComponent runtime;

    private String pid;

    @Activate
    @Modified
    void apply(QuotaConfiguration config, java.util.Map<String, Object> properties) {
        pid = String.valueOf(properties.get(org.osgi.framework.Constants.SERVICE_PID));
        String bundle = config.bundle() == null ? "" : config.bundle().trim();
        if (bundle.isEmpty() || config.limit() < 0) {
            System.getLogger(AllocatorComponent.PID).log(Level.ERROR, "quota " + pid
                    + " rejected: it needs a bundle symbolic name and a limit >= 0 (was bundle='" + config.bundle()
                    + "', limit=" + config.limit() + ")");
            runtime.removeQuota(pid);
            return;
        }
        runtime.putQuota(pid, new Quota(bundle, config.limit()));
    }

    @Deactivate
    void deactivate() {
        runtime.removeQuota(pid);
    }
}
