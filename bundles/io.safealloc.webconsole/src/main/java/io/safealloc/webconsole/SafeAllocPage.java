package io.safealloc.webconsole;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Sizes;
import io.safealloc.api.WebConsoleConstants;
import io.safealloc.shell.limit.LimitSetting;
import io.safealloc.shell.report.HandlerDirectory;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console page {@code /system/console/safealloc}: the HTML shell of the page (the Web
 * Console wraps it in its navigation), the page's script and style (res/), the figures as JSON
 * ({@value WebConsoleConstants#DATA_PATH}, polled by the page every second) and the limit change
 * ({@value WebConsoleConstants#LIMIT_PATH}, through Config Admin as {@code mem:limit} does).
 *
 * <p>Samples the allocator twice a second into a history of the last {@value #HISTORY_SECONDS}
 * seconds, so a page opened late still shows the minutes before.
 *
 * <p>Thread-safe: requests run concurrently; the history and the event log are thread-safe.
 */
@Component(service = Servlet.class, property = {
        ServletConstants.PLUGIN_LABEL + "=" + WebConsoleConstants.LABEL,
        ServletConstants.PLUGIN_TITLE + "=SafeAlloc",
        ServletConstants.PLUGIN_CATEGORY + "=Status"})
public final class SafeAllocPage extends AbstractServlet {

    private static final long serialVersionUID = 1L;

    static final int HISTORY_SECONDS = 300;
    static final int SAMPLES_PER_SECOND = 2;
    /** How long a limit change waits for the allocator to apply it (as mem:limit). */
    static final Duration LIMIT_APPLY_WAIT = Duration.ofSeconds(5);

    private static final String ROOT = "/" + WebConsoleConstants.LABEL;
    private static final String RESOURCES = ROOT + "/res/";
    private static final Pattern RESOURCE_NAME = Pattern.compile("[a-z][a-z0-9-]*\\.(js|css)");

    private final transient AllocatorService allocator;
    private final transient ConfigurationAdmin configurationAdmin;
    private final transient EventLog events;
    private final transient ServiceRegistration<EventHandler> eventRegistration;
    private final transient HandlerDirectory handlers;
    private final transient UsageHistory history = new UsageHistory(HISTORY_SECONDS * SAMPLES_PER_SECOND);
    private final transient ScheduledExecutorService sampler;

    @Activate
    public SafeAllocPage(@Reference AllocatorService allocator,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ConfigurationAdmin configurationAdmin, BundleContext context) {
        this.allocator = allocator;
        this.events = new EventLog();
        // Registered by the page itself, not as a component of its own: a component the page
        // referenced would be a service under an internal type, advertised to every resolver.
        this.eventRegistration = context.registerService(EventHandler.class, events,
                new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, MemoryEvents.TOPIC_ALL)));
        this.configurationAdmin = configurationAdmin;
        this.handlers = new HandlerDirectory(context);
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "safealloc-webconsole-sampler");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleAtFixedRate(new UsageSampler(allocator::stats, history), 0, 1000 / SAMPLES_PER_SECOND,
                TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        sampler.shutdownNow();
        eventRegistration.unregister();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if ((ROOT + WebConsoleConstants.DATA_PATH).equals(path)) {
            data(request, response);
        } else if (path != null && path.startsWith(RESOURCES)) {
            if (getResource(path) == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            spoolResource(request, response);
        }
        // Anything else: the page itself, which the Web Console renders around renderContent.
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!(ROOT + WebConsoleConstants.LIMIT_PATH).equals(request.getPathInfo())) {
            json(response, HttpServletResponse.SC_NOT_FOUND, DashboardJson.error("no such resource"));
            return;
        }
        if (!SameOrigin.check(request.getHeader("Origin"), request.getHeader("Host"))) {
            // A form on another site could post here with the browser's cached login (HTTP Basic).
            json(response, HttpServletResponse.SC_FORBIDDEN, DashboardJson.error("cross-site request refused"));
            return;
        }
        long bytes;
        try {
            bytes = Sizes.parse(request.getParameter(WebConsoleConstants.LIMIT_FIELD));
        } catch (IllegalArgumentException e) {
            json(response, HttpServletResponse.SC_BAD_REQUEST,
                    DashboardJson.error(WebConsoleConstants.LIMIT_FIELD + ": " + e.getMessage()));
            return;
        }
        if (configurationAdmin == null) {
            json(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    DashboardJson.error("Config Admin is not available: the limit cannot be changed"));
            return;
        }
        try {
            LimitSetting.Outcome outcome = new LimitSetting(configurationAdmin, () -> allocator.stats().limit(),
                    LIMIT_APPLY_WAIT).set(bytes);
            json(response, HttpServletResponse.SC_OK, DashboardJson.limitSet(bytes, outcome.name()));
        } catch (IOException | RuntimeException e) {
            json(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    DashboardJson.error("Config Admin could not store the limit: " + e.getMessage()));
        }
    }

    private void data(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int samples;
        try {
            samples = HistoryWindow.samples(request.getParameter(WebConsoleConstants.SECONDS_PARAMETER),
                    HISTORY_SECONDS, SAMPLES_PER_SECOND);
        } catch (IllegalArgumentException e) {
            json(response, HttpServletResponse.SC_BAD_REQUEST, DashboardJson.error(e.getMessage()));
            return;
        }
        json(response, HttpServletResponse.SC_OK, DashboardJson.render(allocator.stats(), history.newest(samples),
                handlers.inDecisionOrder(), events.newestFirst(), allocator.holdings(), System.currentTimeMillis()));
    }

    private static void json(HttpServletResponse response, int status, String body) throws IOException {
        setNoCache(response);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body);
        response.flushBuffer();
    }

    @Override
    protected URL getResource(String path) {
        if (path == null || !path.startsWith(RESOURCES)) {
            return null;
        }
        String name = path.substring(RESOURCES.length());
        return RESOURCE_NAME.matcher(name).matches() ? getClass().getResource("/res/" + name) : null;
    }

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object pluginRoot = request.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        String root = pluginRoot == null ? "" : pluginRoot.toString();
        response.getWriter().write(PageHtml.render(root));
    }
}
