package io.safealloc.gateway;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium} driven through Debian's {@code chromedriver}, headless, with a fresh
 * profile: nothing is downloaded (Selenium Manager is never asked, the driver is given), nothing
 * talks to the network but the pages the test opens. The binaries can be moved with
 * {@code -Dsafealloc.chromium} and {@code -Dsafealloc.chromedriver}.
 *
 * <p>Not thread-safe: one test drives it.
 */
final class HeadlessChromium implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("safealloc.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("safealloc.chromedriver", "/usr/bin/chromedriver");

    /**
     * Selenium warns that it ships no CDP classes for Debian's Chromium version; the one CDP call
     * used here ({@link #sendAuthorization}) goes through chromedriver and needs none. Held
     * strongly: java.util.logging keeps loggers only weakly, and a collected one loses its level.
     */
    private static final java.util.logging.Logger CDP_VERSION_FINDER =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_FINDER.setLevel(java.util.logging.Level.SEVERE);
    }

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** @param profile an empty folder for the browser's profile */
    static HeadlessChromium start(Path profile) throws IOException {
        for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(binary))) {
                throw new IllegalStateException(binary + " missing: install Debian's chromium and chromium-driver "
                        + "(apt-get install chromium chromium-driver; .ci/run does it)");
            }
        }
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1400",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        return new HeadlessChromium(new ChromeDriver(service, options));
    }

    ChromeDriver driver() {
        return driver;
    }

    /**
     * Logs in with HTTP Basic: the browser sends this {@code Authorization} header with every
     * request, the page's own JSON requests included (a headless browser has no login dialog).
     */
    void sendAuthorization(String basicCredentials) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of("Authorization", "Basic " + basicCredentials)));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
