package io.safealloc.allocator.osgi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;

/**
 * Maps each bundle that uses the {@link AllocatorService} to its own {@link OwnerView}: the service
 * a bundle gets is that view, and everything it allocates is accounted to it.
 *
 * <p><b>When a bundle's leftovers are released:</b> when the bundle stops (or is uninstalled), not
 * when it ungets the service. A bundle may release the service while it still uses memory from it:
 * a delayed DS component is disposed when nobody uses it, and a bundle with several components
 * gets and ungets the service as they come and go. Freeing then would leave the rest of the
 * bundle reading freed memory without any error. So an unget while the bundle is active keeps the
 * view (and its memory, accounted to the bundle); the next get hands the same view back. The
 * view is released when the bundle stops: at the unget the framework does while the bundle is
 * {@code STOPPING}, or at its {@code STOPPED} event if it had ungotten the service before. When
 * the allocator itself goes away, {@link #releaseAll()} releases every view.
 *
 * <p>Thread-safe: the framework calls it from any thread.
 */
final class BundleViews implements ServiceFactory<AllocatorService>, SynchronousBundleListener {

    private final SafeAllocator allocator;
    private final Logger log;
    private final Map<Long, OwnerView> views = new ConcurrentHashMap<>();

    BundleViews(SafeAllocator allocator, Logger log) {
        this.allocator = allocator;
        this.log = log;
    }

    @Override
    public AllocatorService getService(Bundle bundle, ServiceRegistration<AllocatorService> registration) {
        return views.computeIfAbsent(bundle.getBundleId(), id -> allocator.open(
                new Owner(id, AllocatorConstants.bundleName(id, bundle.getSymbolicName()))));
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<AllocatorService> registration,
            AllocatorService service) {
        if (bundle.getState() == Bundle.ACTIVE || bundle.getState() == Bundle.STARTING) {
            log.log(Level.DEBUG, "{0} released the allocator service while active: its memory stays its own "
                    + "until it stops", bundle.getSymbolicName());
            return;
        }
        release(bundle.getBundleId());
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STOPPED || event.getType() == BundleEvent.UNINSTALLED) {
            release(event.getBundle().getBundleId());
        }
    }

    /** Releases every view: the allocator is going away (call after the service is unregistered). */
    void releaseAll() {
        views.keySet().forEach(this::release);
    }

    private void release(long bundleId) {
        OwnerView view = views.remove(bundleId);
        if (view != null) {
            view.release();
        }
    }
}
