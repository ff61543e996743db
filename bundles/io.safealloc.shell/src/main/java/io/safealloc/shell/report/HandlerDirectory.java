package io.safealloc.shell.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.HandlerOrder;
import io.safealloc.api.MemHandler;

/**
 * Lists the registered {@link MemHandler} services in the order the allocator asks them: the
 * framework's own {@link ServiceReference#compareTo} order, descending (highest
 * {@code service.ranking} first, ties broken by the lowest {@code service.id}, a non-{@code Integer}
 * ranking counting as 0). Only handlers visible to the given context are listed: for the shell and
 * the gateway bundle, those wired to the same {@code io.safealloc.api} as the allocator.
 *
 * <p>Thread-safe: each call reads the service registry afresh; a handler that goes away during the
 * call is left out.
 */
public final class HandlerDirectory {

    private final BundleContext context;

    /** @param context the context to look the handlers up with */
    public HandlerDirectory(BundleContext context) {
        this.context = context;
    }

    /** @return how many handlers are registered now (cheap: no service object is fetched) */
    public int count() {
        try {
            return context.getServiceReferences(MemHandler.class, null).size();
        } catch (InvalidSyntaxException e) {
            throw new AssertionError("a null filter is valid", e);
        }
    }

    /** @return the handlers, first asked first; empty when none is registered */
    public List<HandlerInfo> inDecisionOrder() {
        Collection<ServiceReference<MemHandler>> found;
        try {
            found = context.getServiceReferences(MemHandler.class, null);
        } catch (InvalidSyntaxException e) {
            throw new AssertionError("a null filter is valid", e);
        }
        List<ServiceReference<MemHandler>> references = new ArrayList<>(found);
        references.sort(Comparator.reverseOrder());
        List<HandlerInfo> handlers = new ArrayList<>(references.size());
        for (ServiceReference<MemHandler> reference : references) {
            Bundle bundle = reference.getBundle();
            if (bundle == null) {
                continue; // unregistered meanwhile
            }
            Object description = reference.getProperty(MemHandler.DESCRIPTION);
            Object componentName = reference.getProperty("component.name");
            handlers.add(new HandlerInfo(HandlerOrder.ranking(reference.getProperty(Constants.SERVICE_RANKING)),
                    (Long) reference.getProperty(Constants.SERVICE_ID),
                    AllocatorConstants.bundleName(bundle.getBundleId(), bundle.getSymbolicName()),
                    implementationClass(reference), description == null ? null : description.toString(),
                    componentName == null ? null : componentName.toString()));
        }
        return handlers;
    }

    /**
     * The class name as an operator can use it: a lambda's hidden class is named
     * {@code com.acme.Cache$$Lambda/0x000071c0010a3c40}, a suffix that changes at every run and says
     * nothing, so it shows as the class that declares the lambda: {@code com.acme.Cache (lambda)}.
     */
    static String className(Class<?> type) {
        String name = type.getName();
        if (!type.isHidden()) {
            return name;
        }
        int lambda = name.indexOf("$$Lambda");
        int slash = name.indexOf('/');
        int end = lambda >= 0 ? lambda : slash >= 0 ? slash : name.length();
        return name.substring(0, end) + (lambda >= 0 ? " (lambda)" : " (hidden class)");
    }

    /**
     * The service object is fetched only to name its class, then released at once; handlers are
     * active anyway (the allocator binds them greedily).
     */
    private String implementationClass(ServiceReference<MemHandler> reference) {
        try {
            MemHandler handler = context.getService(reference);
            if (handler == null) {
                return "?";
            }
            try {
                return className(handler.getClass());
            } finally {
                context.ungetService(reference);
            }
        } catch (RuntimeException e) {
            return "?"; // unregistered meanwhile, or a failing service factory: name it without its class
        }
    }
}
