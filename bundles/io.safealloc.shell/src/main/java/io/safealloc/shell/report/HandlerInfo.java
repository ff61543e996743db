package io.safealloc.shell.report;

import java.util.Locale;

/**
 * One registered {@link io.safealloc.api.MemHandler} service as management output shows it.
 *
 * @param ranking the ranking the allocator uses: {@code service.ranking} if it is an
 *     {@code Integer}, otherwise 0 (the OSGi rule)
 * @param serviceId {@code service.id}
 * @param bundle the symbolic name of the bundle that registered it
 * @param className the implementation class, {@code "?"} when it could not be obtained; for a lambda
 *     the declaring class followed by {@code " (lambda)"}
 * @param description {@link io.safealloc.api.MemHandler#DESCRIPTION}, {@code null} when not set
 * @param componentName {@code component.name} (set by Declarative Services), {@code null} when not set
 */
public record HandlerInfo(int ranking, long serviceId, String bundle, String className, String description,
        String componentName) {

    /**
     * A short name for one-line summaries (the start-up banner): the last dot-separated segment of
     * {@code component.name} (else of the class name), without a {@code MemHandler}/{@code Handler}
     * suffix, in kebab case: {@code io.safealloc.handlers.gc} gives {@code gc},
     * {@code com.acme.CrashLoopGuardHandler} gives {@code crash-loop-guard}.
     */
    public String shortName() {
        String source = componentName != null && !componentName.isBlank() ? componentName : className;
        int qualifier = source.indexOf(" ("); // "com.acme.Cache (lambda)": the declaring class names it
        if (qualifier > 0) {
            source = source.substring(0, qualifier);
        }
        String last = source.substring(source.lastIndexOf('.') + 1);
        last = last.substring(last.lastIndexOf('$') + 1);
        for (String suffix : new String[] {"MemHandler", "Handler"}) {
            if (last.endsWith(suffix) && last.length() > suffix.length()) {
                last = last.substring(0, last.length() - suffix.length());
                break;
            }
        }
        String kebab = last.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1-$2");
        kebab = kebab.toLowerCase(Locale.ROOT).replaceAll("\\s+", "-");
        return kebab.isEmpty() ? "handler-" + serviceId : kebab;
    }
}
