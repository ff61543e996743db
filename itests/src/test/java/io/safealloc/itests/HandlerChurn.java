package io.safealloc.itests;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.SplittableRandom;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;

/**
 * The handler thread of the stress run: keeps registering, unregistering and re-ranking
 * {@link StressHandler}s (as whiteboard services, rankings -1000 to 1000) and refilling the reserves
 * of the RETRY handlers, for as long as the round runs.
 *
 * <p>Confined to its thread, except {@link #reserveBytes()}, read by the checker at a checkpoint.
 */
final class HandlerChurn {

    private static final int MAX_HANDLERS = 8;

    private record Registered(StressHandler handler, ServiceRegistration<MemHandler> registration) {
    }

    private final BundleContext context;
    private final AllocatorService allocator;
    private final FailureLedger ledger;
    private final SplittableRandom random;
    private final List<Registered> registered = new ArrayList<>();
    private volatile List<StressHandler> current = List.of();
    long registrations;
    long unregistrations;
    long reRankings;

    HandlerChurn(BundleContext context, AllocatorService allocator, FailureLedger ledger, long seed) {
        this.context = context;
        this.allocator = allocator;
        this.ledger = ledger;
        this.random = new SplittableRandom(seed);
    }

    void run(StressRounds rounds) throws Exception {
        try {
            do {
                do {
                    act();
                } while (rounds.roundRunning());
                current = registered.stream().map(Registered::handler).toList();
            } while (rounds.checkpoint());
        } finally {
            while (!registered.isEmpty()) {
                unregister(0);
            }
            current = List.of();
        }
    }

    private void act() {
        int choice = random.nextInt(100);
        if (registered.size() < 2 || choice < 30 && registered.size() < MAX_HANDLERS) {
            StressHandler.Kind kind = StressHandler.Kind.values()[random.nextInt(StressHandler.Kind.values().length)];
            StressHandler handler = new StressHandler(kind, allocator, ledger);
            refill(handler);
            registered.add(new Registered(handler, context.registerService(MemHandler.class, handler, properties(kind))));
            registrations++;
        } else if (choice < 55) {
            unregister(random.nextInt(registered.size()));
        } else if (choice < 85) {
            Registered r = registered.get(random.nextInt(registered.size()));
            r.registration.setProperties(properties(r.handler.kind));
            reRankings++;
        } else {
            registered.forEach(r -> refill(r.handler));
        }
    }

    private void refill(StressHandler handler) {
        try {
            handler.refill(random.nextLong(64 * 1024, 512 * 1024));
        } catch (MemoryAllocationException e) {
            ledger.caught(e); // documented: the budget is tight, the reserve waits for the next refill
        }
    }

    private void unregister(int index) {
        Registered r = registered.remove(index);
        r.registration.unregister();
        r.handler.release(); // after unregistering: a thread still deciding with it may have taken the reserve
        unregistrations++;
    }

    private Dictionary<String, Object> properties(StressHandler.Kind kind) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("service.ranking", random.nextInt(-1000, 1001));
        properties.put(MemHandler.DESCRIPTION, "stress " + kind);
        return properties;
    }

    /** @return the reserves the registered RETRY handlers hold (exact at a checkpoint) */
    long reserveBytes() {
        return current.stream().mapToLong(StressHandler::reserveBytes).sum();
    }
}
