package io.safealloc.webconsole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import io.safealloc.api.WebConsoleConstants;

/**
 * The one user name and password the Web Console accepts, as configured in
 * {@value WebConsoleConstants#PID}, and the check of an HTTP Basic {@code Authorization} header
 * against them. The password is kept only as its SHA-256 digest and compared in constant time.
 *
 * <p>Immutable; thread-safe.
 */
final class Credentials {

    private static final String BASIC = "Basic ";

    private final String username;
    private final byte[] passwordDigest;

    private Credentials(String username, byte[] passwordDigest) {
        this.username = username;
        this.passwordDigest = passwordDigest;
    }

    String username() {
        return username;
    }

    /**
     * @param properties the configuration of {@value WebConsoleConstants#PID}, or null when there is none
     * @return the credentials, or empty with the reason in {@code problem[0]} when they are missing or unusable
     */
    static Optional<Credentials> from(Map<String, ?> properties, String[] problem) {
        Object user = properties == null ? null : properties.get(WebConsoleConstants.USERNAME);
        Object password = properties == null ? null : properties.get(WebConsoleConstants.PASSWORD);
        if (user == null && password == null) {
            problem[0] = "no credentials configured";
            return Optional.empty();
        }
        if (!(user instanceof String name) || name.isBlank()) {
            problem[0] = WebConsoleConstants.USERNAME + " is missing or blank";
            return Optional.empty();
        }
        if (!(password instanceof String secret) || secret.isBlank()) {
            problem[0] = WebConsoleConstants.PASSWORD + " is missing or blank";
            return Optional.empty();
        }
        if (secret.startsWith(WebConsoleConstants.SHA_256_PREFIX)) {
            byte[] digest;
            try {
                digest = Base64.getDecoder().decode(secret.substring(WebConsoleConstants.SHA_256_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                digest = new byte[0];
            }
            if (digest.length != 32) {
                problem[0] = WebConsoleConstants.PASSWORD + " starts with " + WebConsoleConstants.SHA_256_PREFIX
                        + " but is not followed by the Base64 of a SHA-256 digest (32 bytes)";
                return Optional.empty();
            }
            return Optional.of(new Credentials(name, digest));
        }
        return Optional.of(new Credentials(name, sha256(secret)));
    }

    /**
     * @param authorization the request's {@code Authorization} header, or null
     * @return true if it is HTTP Basic with exactly this user name and password
     */
    boolean accept(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // Both compared always, in constant time: the answer's timing does not tell which was wrong.
        boolean nameMatches = MessageDigest.isEqual(sha256(decoded.substring(0, colon)), sha256(username));
        boolean passwordMatches = MessageDigest.isEqual(sha256(decoded.substring(colon + 1)), passwordDigest);
        return nameMatches & passwordMatches;
    }

    /** @return {@value WebConsoleConstants#SHA_256_PREFIX} and the Base64 digest, as {@value WebConsoleConstants#PASSWORD} takes it */
    static String hashed(String password) {
        return WebConsoleConstants.SHA_256_PREFIX + Base64.getEncoder().encodeToString(sha256(password));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java runtime has SHA-256", e);
        }
    }
}
