package io.safealloc.api;

/**
 * The contract of the optional Web Console bundle ({@code io.safealloc.webconsole}): the page's label
 * under {@code /system/console}, its JSON resources, and the configuration that holds the Web
 * Console's credentials. Declared here once for the bundle, the gateway distribution and its tests.
 *
 * <p>Credentials are required: while {@link #PID} has no {@link #USERNAME} and {@link #PASSWORD},
 * every Web Console request is answered 401 (the Web Console's built-in {@code admin}/{@code admin}
 * is never accepted, on any address).
 *
 * <p>Constants only; not instantiable. Thread-safe.
 */
public final class WebConsoleConstants {

    /** The configuration PID of the Web Console credentials (a singleton configuration). */
    public static final String PID = "io.safealloc.webconsole";

    /** Key of {@link #PID}: the user name ({@code String}, not blank). */
    public static final String USERNAME = "username";

    /**
     * Key of {@link #PID}: the password ({@code String}): either {@code {sha-256}} followed by the
     * Base64 of the SHA-256 digest of the password's UTF-8 bytes, or the password itself (not blank).
     */
    public static final String PASSWORD = "password";

    /** Prefix of a {@link #PASSWORD} given as a SHA-256 digest. */
    public static final String SHA_256_PREFIX = "{sha-256}";

    /**
     * The value of the Web Console's {@code webconsole.security.provider.id} service property under
     * which the bundle registers its credentials check; a gateway lists it in the framework property
     * {@code felix.webconsole.security.providers} so that the Web Console serves nothing without it.
     */
    public static final String SECURITY_PROVIDER_ID = "io.safealloc.webconsole";

    /** The page's label: it is served at {@code /system/console/safealloc}. */
    public static final String LABEL = "safealloc";

    /** Below the page: the figures as JSON ({@code GET}). */
    public static final String DATA_PATH = "/data.json";

    /** Below the page: sets the global limit ({@code POST}, form field {@link #LIMIT_FIELD}). */
    public static final String LIMIT_PATH = "/limit";

    /** Form field of {@link #LIMIT_PATH}: a size as {@link Sizes#parse} reads it. */
    public static final String LIMIT_FIELD = "limit";

    /** Query parameter of {@link #DATA_PATH}: seconds of history to return (1 to the history kept). */
    public static final String SECONDS_PARAMETER = "seconds";

    private WebConsoleConstants() {
    }
}
