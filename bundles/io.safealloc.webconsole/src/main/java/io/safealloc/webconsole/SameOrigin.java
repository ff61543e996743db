package io.safealloc.webconsole;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Refuses a state-changing request sent by a page of another site. The Web Console logs in with
 * HTTP Basic, which a browser sends on its own with any request to the gateway, also one that a
 * form on another site makes it send; browsers name that site in the {@code Origin} header of
 * every POST. A request without {@code Origin} (curl, scripts) is not a browser's cross-site one.
 *
 * <p>Stateless; thread-safe.
 */
final class SameOrigin {

    private SameOrigin() {
    }

    /**
     * @param origin the request's {@code Origin} header, or null
     * @param host the request's {@code Host} header, or null
     * @return true when there is no {@code Origin}, or it names the host (and port) the request was sent to
     */
    static boolean check(String origin, String host) {
        if (origin == null) {
            return true;
        }
        if (host == null) {
            return false;
        }
        try {
            URI uri = new URI(origin);
            if (uri.getHost() == null) {
                return false; // "null" (sandboxed frames, file:) and anything unparsable
            }
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return authority.equalsIgnoreCase(host);
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
