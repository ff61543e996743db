package io.safealloc.allocator.core.pressure;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureSource;

/**
 * Measures the configured pressure sources and reports every crossing of a level, rising or
 * falling, to the allocator's handlers ({@link Crossings}).
 *
 * <p>One daemon thread, {@value #THREAD_NAME}, does all the work: it polls the direct, container
 * and system sources every {@code intervalMillis}, and measures the heap when the JVM notifies a
 * threshold or a collection (the JVM's notification thread only hands the work on: a handler never
 * runs there). There is no thread while no source is configured. Handlers therefore run on that
 * thread, never on an allocating one, and no lock is held while they run: a pressure event never
 * blocks an allocation, and a slow handler delays only the next measurement.
 *
 * <p>A source that cannot be measured (no cgroup, a missing, unreadable or garbled file) is
 * switched off with one log line saying why; the others go on. Nothing a probe throws reaches the
 * allocator.
 *
 * <p>Thread-safety: {@link #configure} and {@link #close} are synchronized (the configuration
 * thread); {@link #readings} may be called from any thread.
 */
public final class PressureMonitor {

    static final String THREAD_NAME = "safealloc-pressure";

    /** Bound of the wait for a handler still running on the old thread when the configuration changes. */
    private static final long STOP_WAIT_MILLIS = 2000;

    /** Where crossings go: the allocator's handler chain. */
    public interface Crossings {
        /**
         * A source crossed a level. Called on the monitor's thread.
         *
         * @param reading the measurement, its level the new one
         * @param previous the level before
         * @param remeasure measures the source again (for a RETRY decision); the monitor announces a
         *     level change found that way itself, after this call returns
         */
        void crossed(Reading reading, PressureLevel previous, Supplier<Reading> remeasure);
    }

    private final Logger log;
    private final Crossings crossings;
    private final Consumer<Reading> containerWatch;
    private final Map<PressureSource, Reading> readings = new ConcurrentHashMap<>();
    /** Read without the lock: the monitor's own thread reads it (through the allocator) while a reconfiguration waits for that thread. */
    private volatile PressureConfig config = PressureConfig.OFF;
    private Session session;

    /**
     * @param containerWatch told every CONTAINER measurement (on the monitor's thread), and the
     *     NORMAL, inactive reading of a container source switched off, for the effective limit: must
     *     be quick
     */
    public PressureMonitor(Logger log, Crossings crossings, Consumer<Reading> containerWatch) {
        this.log = log;
        this.crossings = crossings;
        this.containerWatch = containerWatch;
    }

    /** Applies a configuration: the sources are reopened (levels start at NORMAL) unless nothing changed. */
    public synchronized void configure(PressureConfig next) {
        if (next.equals(config)) {
            return;
        }
        stop();
        config = next;
        readings.clear();
        if (!next.any()) {
            log.log(Level.INFO, "memory pressure: no source measured");
            return;
        }
        session = new Session(next);
        session.start();
    }

    public PressureConfig config() {
        return config;
    }

    /** @return the latest reading of every configured source, in {@link PressureSource} order */
    public List<Reading> readings() {
        List<Reading> list = new ArrayList<>(readings.values());
        list.sort((a, b) -> a.source().compareTo(b.source()));
        return list;
    }

    /** Stops measuring; the thread ends. Idempotent. */
    public synchronized void close() {
        stop();
        config = PressureConfig.OFF;
        readings.clear();
    }

    private void stop() {
        if (session != null) {
            session.stop();
            session = null;
        }
    }

    /** The probes and the thread of one configuration. */
    private final class Session {
        private final PressureConfig config;
        private final Map<PressureSource, Probe> probes = new EnumMap<>(PressureSource.class);
        /** Touched on the session's thread only. */
        private final Map<PressureSource, PressureLevel> tracked = new EnumMap<>(PressureSource.class);
        private final Map<PressureSource, PressureLevel> announced = new EnumMap<>(PressureSource.class);
        private final AtomicBoolean heapPending = new AtomicBoolean();
        private final ScheduledExecutorService thread;
        private volatile boolean stopped;

        Session(PressureConfig config) {
            this.config = config;
            this.thread = Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().daemon().name(THREAD_NAME).unstarted(r));
        }

        void start() {
            SystemFiles files = new SystemFiles(config.root());
            List<String> on = new ArrayList<>();
            for (PressureSource source : config.sources()) {
                Thresholds t = config.thresholds().get(source);
                try {
                    Probe probe = open(source, files, t);
                    probes.put(source, probe);
                    Reading first = Reading.of(source, PressureLevel.NORMAL, probe.measure(), t);
                    readings.put(source, first);
                    tracked.put(source, PressureLevel.NORMAL);
                    announced.put(source, PressureLevel.NORMAL);
                    on.add(first.describe());
                } catch (ProbeUnavailable | RuntimeException e) {
                    switchOff(source, t, e);
                }
            }
            log.log(Level.INFO, "memory pressure: measuring {0} source(s), polled every {1} ms{2}",
                    String.valueOf(probes.size()), String.valueOf(config.intervalMillis()),
                    on.isEmpty() ? "" : ": " + String.join("; ", on));
            if (probes.isEmpty()) {
                thread.shutdown();
                return;
            }
            // The first evaluation announces a source already above a threshold at start. The heap is
            // measured then and on the JVM's notifications only; the others are polled.
            if (probes.containsKey(PressureSource.HEAP)) {
                thread.execute(() -> guarded(PressureSource.HEAP));
            }
            if (probes.keySet().stream().anyMatch(s -> s != PressureSource.HEAP)) {
                thread.scheduleWithFixedDelay(this::pollAll, 0, config.intervalMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private Probe open(PressureSource source, SystemFiles files, Thresholds t) throws ProbeUnavailable {
            return switch (source) {
                case HEAP -> new HeapProbe(t, this::heapNotified);
                case DIRECT -> new DirectProbe();
                case CONTAINER -> new ContainerProbe(files);
                case SYSTEM -> new SystemProbe(files, config.psiSomeHigh(), config.psiFullCritical(), log);
            };
        }

        /** On the JVM's notification thread: hand on, at most one measurement queued. */
        private void heapNotified() {
            if (!stopped && heapPending.compareAndSet(false, true)) {
                try {
                    thread.execute(() -> {
                        heapPending.set(false);
                        guarded(PressureSource.HEAP);
                    });
                } catch (RejectedExecutionException stopping) {
                    heapPending.set(false);
                }
            }
        }

        private void pollAll() {
            for (PressureSource source : PressureSource.values()) {
                if (source != PressureSource.HEAP) {
                    guarded(source);
                }
            }
        }

        /** Nothing escapes: an exception would cancel the periodic task, and must never reach the allocator. */
        private void guarded(PressureSource source) {
            try {
                evaluate(source);
            } catch (Throwable t) { // an OutOfMemoryError is to be expected under heap pressure
                try {
                    log.log(Level.ERROR, "memory pressure {0}: evaluation failed: {1}", source, String.valueOf(t));
                } catch (Throwable ignored) {
                    // nothing left to report with
                }
            }
        }

        private void evaluate(PressureSource source) {
            Probe probe = probes.get(source);
            if (stopped || probe == null) {
                return;
            }
            Reading reading = measure(source);
            if (reading == null) {
                return;
            }
            if (source == PressureSource.CONTAINER) {
                containerWatch.accept(reading);
            }
            while (!stopped && probes.containsKey(source)) {
                PressureLevel now = tracked.get(source);
                PressureLevel before = announced.get(source);
                if (now == before) {
                    return;
                }
                announced.put(source, now);
                if (probe instanceof HeapProbe heap) {
                    heap.arm(now);
                }
                Reading current = readings.get(source);
                crossings.crossed(current, before, () -> {
                    Reading again = measure(source);
                    return again == null ? current : again;
                });
            }
        }

        /** @return the new reading, its level tracked; {@code null} when the source was switched off */
        private Reading measure(PressureSource source) {
            Probe probe = probes.get(source);
            Thresholds t = config.thresholds().get(source);
            if (probe == null) {
                return null;
            }
            Measurement m;
            try {
                m = probe.measure();
            } catch (ProbeUnavailable | RuntimeException e) {
                switchOff(source, t, e);
                return null;
            }
            PressureLevel level = t.next(tracked.get(source), m.percent());
            if (m.floor().compareTo(level) > 0) {
                level = m.floor();
            }
            tracked.put(source, level);
            Reading reading = Reading.of(source, level, m, t);
            readings.put(source, reading);
            return reading;
        }

        private void switchOff(PressureSource source, Thresholds t, Exception why) {
            Probe probe = probes.remove(source);
            if (probe != null) {
                probe.close();
            }
            String message = why instanceof ProbeUnavailable ? why.getMessage() : String.valueOf(why);
            Reading off = Reading.off(source, t, message);
            readings.put(source, off);
            log.log(Level.WARNING, "memory pressure {0}: source off: {1}", source, message);
            if (source == PressureSource.CONTAINER) {
                containerWatch.accept(off); // a limit shrunk while it was pressed must not stay shrunk
            }
        }

        void stop() {
            stopped = true;
            thread.shutdownNow();
            try {
                if (!Thread.currentThread().getName().equals(THREAD_NAME)) {
                    thread.awaitTermination(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            probes.values().forEach(Probe::close);
        }
    }
}
