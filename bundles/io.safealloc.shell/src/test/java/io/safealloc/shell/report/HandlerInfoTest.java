package io.safealloc.shell.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


class HandlerInfoTest {

    @ParameterizedTest
    @CsvSource({
            "io.safealloc.handlers.gc, com.acme.Whatever, gc",
            "io.safealloc.handlers.CrashLoopGuardHandler, com.acme.Whatever, crash-loop-guard",
            "'', io.safealloc.handlers.AuditMemHandler, audit",
            "'', com.acme.Outer$GCHandler, gc",
            "'', com.acme.HTTPCacheHandler, http-cache",
            "'', com.acme.Handler, handler",
            "guard, com.acme.Whatever, guard"})
    void shortNamesComeFromTheComponentNameElseTheClass(String componentName, String className, String expected) {
        HandlerInfo info = new HandlerInfo(0, 42, "b", className, null, componentName.isEmpty() ? null : componentName);
        assertEquals(expected, info.shortName());
    }
}
