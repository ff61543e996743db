package io.safealloc.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.safealloc.api.WebConsoleConstants;

class CredentialsTest {

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<Credentials> from(Object user, Object password, String[] problem) {
        Map<String, Object> properties = new HashMap<>();
        if (user != null) {
            properties.put(WebConsoleConstants.USERNAME, user);
        }
        if (password != null) {
            properties.put(WebConsoleConstants.PASSWORD, password);
        }
        return Credentials.from(properties, problem);
    }

    @Test
    void withoutConfigurationNothingIsAccepted() {
        String[] problem = new String[1];
        assertTrue(Credentials.from(null, problem).isEmpty());
        assertEquals("no credentials configured", problem[0]);
        assertTrue(from(null, null, problem).isEmpty());
    }

    @Test
    void aPlainPasswordIsAcceptedOnlyWithItsUser() {
        Credentials credentials = from("ops", "s3cret:with colon", new String[1]).orElseThrow();
        assertTrue(credentials.accept(basic("ops:s3cret:with colon")));
        assertTrue(credentials.accept("basic " + basic("ops:s3cret:with colon").substring(6)), "scheme is case-insensitive");
        assertFalse(credentials.accept(basic("ops:s3cret")));
        assertFalse(credentials.accept(basic("admin:admin")));
        assertFalse(credentials.accept(basic("Ops:s3cret:with colon")));
        assertFalse(credentials.accept(null));
        assertFalse(credentials.accept("Bearer abc"));
        assertFalse(credentials.accept("Basic !!not base64!!"));
        assertFalse(credentials.accept(basic("no colon")));
    }

    @Test
    void aHashedPasswordIsCheckedAgainstItsDigest() {
        Credentials credentials = from("ops", Credentials.hashed("pw"), new String[1]).orElseThrow();
        assertTrue(credentials.accept(basic("ops:pw")));
        assertFalse(credentials.accept(basic("ops:" + Credentials.hashed("pw"))), "the digest is not the password");
    }

    @Test
    void unusableValuesAreNamed() {
        String[] problem = new String[1];
        assertTrue(from(" ", "pw", problem).isEmpty());
        assertEquals("username is missing or blank", problem[0]);
        assertTrue(from("ops", null, problem).isEmpty());
        assertEquals("password is missing or blank", problem[0]);
        assertTrue(from("ops", 42, problem).isEmpty());
        assertEquals("password is missing or blank", problem[0]);
        assertTrue(from("ops", "{sha-256}tooShort", problem).isEmpty());
        assertTrue(problem[0].contains("not followed by the Base64 of a SHA-256 digest"), problem[0]);
        assertTrue(from("ops", "{sha-256}***", problem).isEmpty());
    }
}
