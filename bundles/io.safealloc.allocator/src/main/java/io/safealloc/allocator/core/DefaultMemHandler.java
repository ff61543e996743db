package io.safealloc.allocator.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Supplier;

import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.PressureLevel;
import io.safealloc.api.Recovery;

/**
 * What happens when no handler decided: as Ioto's default memory handler, log
 * {@code Memory allocation error for N bytes} with the cause and the figures, and decide the
 * configured default ({@code ABORT}, or {@code FAIL} for development). A {@code WARNING} is logged
 * and otherwise ignored. A pressure crossing is logged; only a rise into CRITICAL with
 * {@code pressureRecovery=ABORT} aborts.
 */
final class DefaultMemHandler implements MemHandler {

    private final Logger log;
    private final Supplier<AllocatorConfig> config;
    private final Supplier<Recovery> pressureRecovery;

    DefaultMemHandler(Logger log, Supplier<AllocatorConfig> config, Supplier<Recovery> pressureRecovery) {
        this.log = log;
        this.config = config;
        this.pressureRecovery = pressureRecovery;
    }

    /**
     * A rise is a WARNING line, a fall INFO; a rise into CRITICAL decides {@code pressureRecovery}
     * (DEFER, "log only", unless configured ABORT), anything else DEFER.
     */
    private Recovery pressure(MemEvent event, String details) {
        PressureLevel now = event.pressure().map(r -> r.level()).orElse(PressureLevel.NORMAL);
        boolean rising = now.compareTo(event.previousPressureLevel()) > 0;
        if (!rising) {
            log.log(Level.INFO, "Memory pressure eased: {0}", details);
            return Recovery.DEFER;
        }
        Recovery decision = now == PressureLevel.CRITICAL ? pressureRecovery.get() : Recovery.DEFER;
        log.log(Level.WARNING, "Memory pressure: {0}; default decision {1}", details, decision);
        return decision;
    }

    @Override
    public Recovery handle(MemEvent event) {
        String details = event instanceof Event e ? e.describe() : event.toString();
        if (event.cause() == Cause.PRESSURE) {
            return pressure(event, details);
        }
        if (event.cause() == Cause.WARNING) {
            log.log(Level.WARNING, "Memory usage crossed the warning threshold: {0}", details);
            return Recovery.DEFER;
        }
        Recovery decision = config.get().defaultRecovery();
        log.log(Level.ERROR, "Memory allocation error for {0} bytes: {1}; default decision {2}",
                String.valueOf(event.size()), details, decision);
        return decision;
    }
}
