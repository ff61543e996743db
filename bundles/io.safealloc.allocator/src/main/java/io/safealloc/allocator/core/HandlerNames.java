package io.safealloc.allocator.core;

/**
 * A name for a handler in a log line: its class, or for a lambda the class that declared it (a
 * lambda's own class is hidden and named like {@code Foo$$Lambda/0x000001c0012345}, which says
 * nothing to an operator).
 *
 * <p>Stateless; thread-safe.
 */
public final class HandlerNames {

    private static final String LAMBDA = "$$Lambda";

    private HandlerNames() {
    }

    /**
     * @return the handler's own {@code toString()} if its class defines one, else {@code com.example.Foo}
     *     for an instance of Foo and {@code a lambda in com.example.Foo} for a lambda (never
     *     {@code Foo@69d1495c})
     */
    public static String of(Object handler) {
        Class<?> type = handler.getClass();
        if (definesToString(type)) {
            return handler.toString();
        }
        String name = type.getName();
        int lambda = name.indexOf(LAMBDA);
        if (type.isHidden() && lambda > 0) {
            return "a lambda in " + name.substring(0, lambda);
        }
        return name;
    }

    private static boolean definesToString(Class<?> type) {
        try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException impossible) {
            return false;
        }
    }
}
