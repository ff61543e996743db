package io.safealloc.webconsole;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SameOriginTest {

    @Test
    void noOriginIsNotABrowsersCrossSiteRequest() {
        assertTrue(SameOrigin.check(null, "127.0.0.1:8080"));
    }

    @Test
    void theSameHostAndPortPass() {
        assertTrue(SameOrigin.check("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertTrue(SameOrigin.check("https://Gateway.example", "gateway.example"));
    }

    @Test
    void anotherSiteOrPortIsRefused() {
        assertFalse(SameOrigin.check("http://evil.example", "127.0.0.1:8080"));
        assertFalse(SameOrigin.check("http://127.0.0.1:9090", "127.0.0.1:8080"));
        assertFalse(SameOrigin.check("null", "127.0.0.1:8080"));
        assertFalse(SameOrigin.check("http://127.0.0.1:8080", null));
        assertFalse(SameOrigin.check("::not a uri::", "127.0.0.1:8080"));
    }
}
