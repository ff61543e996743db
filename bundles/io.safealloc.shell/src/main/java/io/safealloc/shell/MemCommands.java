package io.safealloc.shell;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.Budget;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Sizes;
import io.safealloc.shell.limit.LimitSetting;
import io.safealloc.shell.report.HandlerDirectory;
import io.safealloc.shell.report.HandlersReport;
import io.safealloc.shell.report.LeaksReport;
import io.safealloc.shell.report.PressureReport;
import io.safealloc.shell.report.SizeFormat;
import io.safealloc.shell.report.StatsReport;

/**
 * The Gogo commands of scope {@code mem}: figures, handlers, live allocations, the global budget,
 * and allocating by hand. Each command returns its whole output as one {@code String} (Gogo prints
 * it), so that it is testable without a shell.
 *
 * <p>Every command accepts any arguments and checks them itself: wrong ones (missing, extra,
 * unparsable, negative, an unknown id) give a one-line usage, and a failure gives one line, never a
 * stack trace. Memory allocated with {@code mem:alloc} is accounted to this shell bundle (its own
 * bundle-scoped {@link AllocatorService}) and freed when the component stops. The component is
 * immediate: Gogo gets and releases the service around every command, and a delayed component
 * would be disposed in between, dropping the ids of what {@code mem:alloc} allocated.
 *
 * <p>Thread-safe: Gogo may run commands from several sessions at once.
 */
@Component(service = MemCommands.class, immediate = true, property = {
        "osgi.command.scope=mem",
        "osgi.command.function=stats",
        "osgi.command.function=pressure",
        "osgi.command.function=handlers",
        "osgi.command.function=leaks",
        "osgi.command.function=limit",
        "osgi.command.function=alloc",
        "osgi.command.function=free"})
public class MemCommands {

    static final String USAGE_STATS = "usage: mem:stats";
    static final String USAGE_HANDLERS = "usage: mem:handlers";
    static final String USAGE_PRESSURE = "usage: mem:pressure";
    static final String USAGE_LEAKS = "usage: mem:leaks [<bundle symbolic name or id>]";
    static final String USAGE_LIMIT = "usage: mem:limit [<size>]  (size: bytes, or with a unit: 512k, 64m, 1g; 0 = no limit)";
    static final String USAGE_ALLOC = "usage: mem:alloc [--drill] <size>  (size: bytes, or with a unit: 512k, 64m, 1g; "
            + "--drill: through the handlers, which may ABORT)";
    /** Asks for an allocation that goes through the handlers as a bundle's would: a fire drill. */
    static final String DRILL = "--drill";
    static final String USAGE_FREE = "usage: mem:free <id>  (the id that mem:alloc printed)";

    /** How long {@code mem:limit <size>} waits for the allocator to apply the new budget. */
    private static final Duration APPLY_WAIT = Duration.ofSeconds(2);

    private final AllocatorService allocator;
    private final BundleContext context;
    private final HandlerDirectory handlerDirectory;
    private final ManualAllocations manual;
    private final Duration applyWait;
    private volatile ConfigurationAdmin configurationAdmin;

    /**
     * Declarative Services constructor.
     *
     * @param allocator this bundle's view of the allocator
     * @param context this bundle's context, to list the MemHandler services
     */
    @Activate
    public MemCommands(@Reference(name = "allocator") AllocatorService allocator, BundleContext context) {
        this(allocator, context, APPLY_WAIT);
    }

    MemCommands(AllocatorService allocator, BundleContext context, Duration applyWait) {
        this.allocator = allocator;
        this.context = context;
        this.handlerDirectory = new HandlerDirectory(context);
        this.manual = new ManualAllocations(allocator);
        this.applyWait = applyWait;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetConfigurationAdmin")
    void setConfigurationAdmin(ConfigurationAdmin admin) {
        configurationAdmin = admin;
    }

    void unsetConfigurationAdmin(ConfigurationAdmin admin) {
        if (configurationAdmin == admin) {
            configurationAdmin = null;
        }
    }

    /** The operator's hand-made allocations end with the shell: freed, not reported as leaks. */
    @Deactivate
    void deactivate() {
        manual.freeAll();
    }

    @Descriptor("Shows the allocator's figures: global, then per bundle (in use, peak, quota, live, "
            + "allocations, frees, failures by cause)")
    public String stats(@Descriptor("no arguments") String... args) {
        return args.length != 0 ? USAGE_STATS : guarded("mem:stats", () -> StatsReport.render(allocator.stats()));
    }

    @Descriptor("Shows the whole-process memory pressure sources (heap, direct, container, system): level, "
            + "figures, thresholds, and where the figures come from or why a source is off")
    public String pressure(@Descriptor("no arguments") String... args) {
        return args.length != 0 ? USAGE_PRESSURE
                : guarded("mem:pressure", () -> PressureReport.render(allocator.stats().pressure()));
    }

    @Descriptor("Lists the MemHandler services in the order the allocator asks them (highest ranking first)")
    public String handlers(@Descriptor("no arguments") String... args) {
        return args.length != 0 ? USAGE_HANDLERS
                : guarded("mem:handlers", () -> HandlersReport.render(handlerDirectory.inDecisionOrder()));
    }

    @Descriptor("Shows the live allocations grouped by bundle (count, bytes, largest)")
    public String leaks(@Descriptor("optional: only this bundle (symbolic name or id)") String... args) {
        if (args.length > 1) {
            return USAGE_LEAKS;
        }
        String bundle = args.length == 1 ? args[0] : null;
        return guarded("mem:leaks",
                () -> LeaksReport.render(allocator.holdings(), bundle, bundle == null || isInstalled(bundle)));
    }

    /** @param bundle a symbolic name or a bundle id, as {@code mem:leaks} takes it */
    private boolean isInstalled(String bundle) {
        for (Bundle installed : context.getBundles()) {
            if (bundle.equals(installed.getSymbolicName()) || bundle.equals(Long.toString(installed.getBundleId()))) {
                return true;
            }
        }
        return false;
    }

    @Descriptor("Shows the global budget, or sets it through Config Admin (PID io.safealloc.allocator)")
    public String limit(@Descriptor("optional: the new budget: bytes, or with a unit: 512k, 64m, 1g; 0 = no limit")
            String... args) {
        if (args.length == 0) {
            return guarded("mem:limit", () -> StatsReport.limitText(allocator.stats()));
        }
        if (args.length > 1) {
            return USAGE_LIMIT;
        }
        long bytes;
        try {
            bytes = Sizes.parse(args[0]);
        } catch (IllegalArgumentException e) {
            return "mem:limit: " + e.getMessage() + "; " + USAGE_LIMIT;
        }
        ConfigurationAdmin admin = configurationAdmin;
        if (admin == null) {
            return "mem:limit: Config Admin is not available, the budget cannot be changed";
        }
        return guarded("mem:limit", () -> {
            LimitSetting.Outcome outcome;
            try {
                outcome = new LimitSetting(admin, () -> allocator.stats().limit(), applyWait).set(bytes);
            } catch (IOException e) {
                return "mem:limit failed: Config Admin could not store " + AllocatorConstants.PID + ": " + e.getMessage();
            }
            String value = bytes == 0 ? "none" : SizeFormat.withBytes(bytes);
            return outcome == LimitSetting.Outcome.APPLIED
                    ? "limit set to " + value + " in configuration " + AllocatorConstants.PID + ": applied"
                    : "limit set to " + value + " in configuration " + AllocatorConstants.PID
                            + ": stored, not applied yet (see the log if the allocator rejected it)";
        });
    }

    /**
     * A diagnostic must never end the gateway: a failed allocation is a message and reaches no
     * handler (a typo such as {@code 99g} would otherwise meet the default ABORT and count towards
     * the crash-loop guard). {@code --drill} asks for the opposite on purpose: the allocation goes
     * through the handlers exactly as a bundle's would, to rehearse the recovery policy.
     */
    @Descriptor("Allocates native memory by hand, accounted to this shell bundle; prints an id for mem:free")
    public String alloc(@Descriptor("[--drill] the size: bytes, or with a unit: 512k, 64m, 1g") String... args) {
        boolean drill = args.length == 2 && DRILL.equals(args[0]);
        if (args.length != 1 && !drill || args.length == 1 && DRILL.equals(args[0])) {
            return USAGE_ALLOC;
        }
        long size;
        try {
            size = Sizes.parse(args[args.length - 1]);
        } catch (IllegalArgumentException e) {
            return "mem:alloc: " + e.getMessage() + "; " + USAGE_ALLOC;
        }
        return guarded("mem:alloc", () -> {
            ManualAllocations.Allocation a = drill ? manual.allocateThroughHandlers(size) : manual.allocate(size);
            return String.format(Locale.ROOT, "allocated #%d: %s at 0x%x", a.id(),
                    SizeFormat.withBytes(a.segment().byteSize()), a.segment().address());
        });
    }

    @Descriptor("Frees memory allocated with mem:alloc")
    public String free(@Descriptor("the id that mem:alloc printed") String... args) {
        if (args.length != 1) {
            return USAGE_FREE + held();
        }
        int id;
        try {
            id = Integer.parseInt(args[0].startsWith("#") ? args[0].substring(1) : args[0]);
        } catch (NumberFormatException e) {
            return "mem:free: not an id: " + args[0] + "; " + USAGE_FREE + held();
        }
        return guarded("mem:free", () -> {
            Optional<ManualAllocations.Allocation> freed = manual.free(id);
            return freed.map(a -> String.format(Locale.ROOT, "freed #%d: %s at 0x%x", a.id(),
                            SizeFormat.withBytes(a.segment().byteSize()), a.segment().address()))
                    .orElseGet(() -> "mem:free: no allocation #" + id + "; " + USAGE_FREE + held());
        });
    }

    private String held() {
        List<Integer> ids = manual.ids();
        return ids.isEmpty() ? "; none held" : "; held: " + ids.toString().replace("[", "").replace("]", "");
    }

    /** Runs a command body: whatever goes wrong becomes one line, never a stack trace. */
    private static String guarded(String command, Supplier<String> body) {
        try {
            return body.get();
        } catch (MemoryAllocationException e) {
            return command + " failed: " + describe(e);
        } catch (RuntimeException e) {
            return command + " failed: " + oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** @return {@code "LIMIT (global budget) for 1.0 GiB (1073741824 bytes), decision FAIL"} */
    static String describe(MemoryAllocationException e) {
        if (e.event() == null) {
            return oneLine(String.valueOf(e.getMessage()));
        }
        Budget budget = e.event().budget();
        String where = switch (budget) {
            case GLOBAL -> " (global budget)";
            case BUNDLE -> " (bundle quota)";
            case NONE -> "";
        };
        return e.cause() + where + " for " + SizeFormat.withBytes(e.size()) + ", decision " + e.decision();
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
