package io.safealloc.webconsole;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

import io.safealloc.api.WebConsoleConstants;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console's login: HTTP Basic against the credentials configured in
 * {@value WebConsoleConstants#PID}, and nothing else. Registered with the highest ranking, it
 * replaces the Web Console's own provider, whose built-in {@code admin}/{@code admin} is therefore
 * never accepted; while no (usable) credentials are configured, every request is answered 401 and
 * the log says why. A gateway also names it in {@code felix.webconsole.security.providers}, so that
 * the Web Console serves nothing while this bundle is not running.
 *
 * <p>Registers the {@link SecurityProvider} itself rather than through DS: DS would copy the
 * configuration, password included, into the service's properties, where any bundle (and the Web
 * Console's services page) can read them.
 *
 * <p>Thread-safe: the credentials are swapped atomically on a configuration change.
 */
@Component(service = {}, configurationPid = WebConsoleConstants.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class ConfiguredCredentialsProvider implements SecurityProvider {

    private static final System.Logger LOG = System.getLogger(WebConsoleConstants.PID);
    private static final String REALM = "SafeAlloc gateway";

    private volatile Optional<Credentials> credentials = Optional.empty();
    private volatile String problem = "not configured yet";
    private ServiceRegistration<SecurityProvider> registration;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        modified(properties);
        Dictionary<String, Object> serviceProperties = new Hashtable<>();
        serviceProperties.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        serviceProperties.put(SecurityProvider.PROPERTY_ID, WebConsoleConstants.SECURITY_PROVIDER_ID);
        registration = context.registerService(SecurityProvider.class, this, serviceProperties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        String[] why = new String[1];
        Optional<Credentials> configured = Credentials.from(properties, why);
        credentials = configured;
        problem = why[0];
        if (configured.isPresent()) {
            LOG.log(Level.INFO, "Web Console login: user {0} (from configuration {1})", configured.get().username(),
                    WebConsoleConstants.PID);
        } else {
            LOG.log(Level.WARNING, "Web Console login refuses every request: {0} in configuration {1} (keys {2}, {3})",
                    why[0], WebConsoleConstants.PID, WebConsoleConstants.USERNAME, WebConsoleConstants.PASSWORD);
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        Optional<Credentials> current = credentials;
        if (current.isPresent() && current.get().accept(request.getHeader("Authorization"))) {
            return current.get().username();
        }
        try {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            response.setContentType("text/plain;charset=UTF-8");
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.getWriter().println(current.isPresent() ? "401 login required"
                    : "401 the Web Console has no login: " + problem + " (configuration " + WebConsoleConstants.PID
                            + ", keys " + WebConsoleConstants.USERNAME + " and " + WebConsoleConstants.PASSWORD + ")");
            response.flushBuffer();
        } catch (IOException e) {
            // The client went away: nothing to tell it.
        }
        return null;
    }

    @Override
    public boolean authorize(Object user, String role) {
        return user != null;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // HTTP Basic has no server-side session to end.
    }
}
