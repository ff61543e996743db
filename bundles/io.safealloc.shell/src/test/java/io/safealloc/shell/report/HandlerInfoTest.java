package io.safealloc.shell.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.safealloc.api.MemHandler;
import io.safealloc.api.Recovery;


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

    @Test
    void aLambdaIsNamedAfterTheClassThatDeclaresItNotItsHiddenClass() {
        MemHandler lambda = event -> Recovery.DEFER;

        String className = HandlerDirectory.className(lambda.getClass());
        HandlerInfo info = new HandlerInfo(0, 42, "b", className, null, null);

        assertEquals(HandlerInfoTest.class.getName() + " (lambda)", className);
        assertEquals("handler-info-test", info.shortName());
    }

    @Test
    void anOrdinaryClassKeepsItsName() {
        assertEquals(HandlerInfoTest.class.getName(), HandlerDirectory.className(HandlerInfoTest.class));
    }
}
