package io.safealloc.allocator.osgi;

import java.lang.System.Logger.Level;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.framework.Constants;
import org.osgi.service.metatype.annotations.Designate;

import io.safealloc.api.AllocatorConstants;

/**
 * One per-bundle budget: a factory configuration of PID {@value AllocatorConstants#QUOTA_FACTORY_PID} naming a bundle
 * symbolic name and a limit. Exceeding it is a {@code LIMIT} event with budget {@code BUNDLE}.
 */
@Component(service = {}, configurationPid = AllocatorConstants.QUOTA_FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = QuotaConfiguration.class, factory = true)
public class QuotaComponent {

    /** A validated quota. */
    record Quota(String bundle, long limit) {
    }

    @Reference
    private AllocatorComponent runtime;

    private String pid;

    @Activate
    @Modified
    void apply(QuotaConfiguration config, Map<String, Object> properties) {
        pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        String bundle = config.bundle() == null ? "" : config.bundle().trim();
        if (bundle.isEmpty() || config.limit() < 0) {
            System.getLogger(AllocatorConstants.PID).log(Level.ERROR, "quota " + pid
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
