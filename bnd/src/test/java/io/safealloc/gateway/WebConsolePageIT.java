package io.safealloc.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.ObservationConstants;
import io.safealloc.api.WebConsoleConstants;

/**
 * The Web Console page in a real browser against the real gateway-web.jar: log in, watch the chart
 * and the shell bundle's row follow an allocation made in the gateway's shell and its free, see the
 * events of a failed allocation, set the limit from the page; plus the HTTP rules (401 without the
 * configured login, the Web Console's default admin/admin refused, bad input answered 400 without a
 * stack trace, a cross-site POST refused). Screenshots go to target/webconsole/ on every run.
 */
class WebConsolePageIT {

    private static final String USER = "operator";
    private static final String PASSWORD = "correct horse battery staple";
    private static final String SHELL = "io.safealloc.shell";
    private static final long EIGHT_MIB = 8L << 20;
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Jetty, the Web Console and SPI Fly start before the SafeAlloc bundles: the web gateway takes
     * 2-3 times as long as the plain one to print its banner (docs/webconsole.md, "Start-up cost").
     */
    private static final Duration WEB_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration HTTP_UP_TIMEOUT = Duration.ofSeconds(60);
    private static final Path SCREENSHOTS = Path.of(System.getProperty("safealloc.gateway.work", "target/it-work"))
            .resolveSibling("webconsole");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void thePageFollowsAnAllocationLiveAndSetsTheLimit() throws Exception {
        Path work = GatewayProcess.workFolder("web");
        int port = freePort();
        Path config = GatewayConfig.named("web")
                .pid(AllocatorConstants.PID, AllocatorConstants.LIMIT + ":Long", 64L << 20,
                        AllocatorConstants.WARN_PERCENT + ":Integer", 85,
                        AllocatorConstants.DEFAULT_RECOVERY, "FAIL")
                .pid(WebConsoleConstants.PID, WebConsoleConstants.USERNAME, USER,
                        WebConsoleConstants.PASSWORD, sha256(PASSWORD))
                .leakyDemo(3)
                .writeTo(work);
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.WEB_JAR, work.resolve("storage"),
                List.of(GatewayProcess.DEFAULTS, config), List.of("-Dorg.osgi.service.http.port=" + port), false)) {
            gateway.awaitReady(WEB_START_TIMEOUT);
            String page = "http://127.0.0.1:" + port + "/system/console/" + WebConsoleConstants.LABEL;
            awaitHttp(page + WebConsoleConstants.DATA_PATH, basic(USER, PASSWORD), 200, gateway);

            httpRules(page);
            String health = "http://127.0.0.1:" + port + "/system/health.json?tags=" + ObservationConstants.HEALTH_CHECK_TAG_SAFEALLOC;
            awaitHealth(health, "\"overallResult\":\"OK\"");

            try (HeadlessChromium chromium = HeadlessChromium.start(work.resolve("chromium-profile"))) {
                WebDriver browser = chromium.driver();
                chromium.sendAuthorization(basic(USER, PASSWORD));
                browser.get(page);
                try {
                    awaitUpdates(browser, 2);
                    assertEquals(0L, bundleInUse(browser), "the shell holds nothing yet");

                    gateway.send("mem:alloc 8m");
                    Matcher allocated = gateway.awaitLine("allocated #(\\d+): 8.0 MiB");
                    awaitPage(browser, "the shell's row and the chart show 8 MiB",
                            () -> bundleInUse(browser) == EIGHT_MIB && chartLast(browser) == EIGHT_MIB);
                    assertTrue(number(browser, "return window.safeAllocPage.last.global.inUse") >= EIGHT_MIB);

                    // Through the handlers, above the 64 MiB limit: refused (FAIL), with events on the page.
                    gateway.send("mem:alloc --drill 100m");
                    gateway.awaitLine("mem:alloc failed");
                    awaitPage(browser, "a LIMIT event in the table", () -> number(browser, "return Array.from("
                            + "document.querySelectorAll('#sa-events td')).filter(td => td.textContent === 'LIMIT').length;") > 0);
                    // The same refusal through Felix HC's servlet: a recent failure makes the check WARN.
                    awaitHealth(health, "\"overallResult\":\"WARN\"");

                    // The limit, from the page, through Config Admin.
                    WebElement input = browser.findElement(By.id("sa-limit-input"));
                    input.clear();
                    input.sendKeys("48m");
                    browser.findElement(By.id("sa-limit-set")).click();
                    awaitPage(browser, "the limit applied", () -> browser.findElement(By.id("sa-limit-result")).getText()
                            .equals("limit set to 48.0 MiB (applied)"));
                    awaitPage(browser, "the chart's limit at 48 MiB",
                            () -> number(browser, "var h = window.safeAllocPage.last.history;"
                                    + " return h.limit[h.limit.length - 1];") == 48L << 20);
                    assertTrue(handlersShown(browser) >= 3, "the three handlers of the defaults are listed");
                    screenshot(browser, "safealloc-page.png");

                    gateway.send("mem:free " + allocated.group(1));
                    gateway.awaitLine("freed #" + allocated.group(1));
                    awaitPage(browser, "the shell's row and the chart back to 0",
                            () -> bundleInUse(browser) == 0 && chartLast(browser) == 0);
                    // The history still has the 8 MiB: the chart shows the drop, not just the present.
                    assertTrue(number(browser, "return Math.max.apply(null,"
                            + " window.safeAllocPage.last.history.bundles['" + SHELL + "'] || [0]);") == EIGHT_MIB);
                    assertEquals(null, ((JavascriptExecutor) browser).executeScript("return window.safeAllocPage.error;"));
                } finally {
                    screenshot(browser, "safealloc-page-last.png");
                }
            }
            assertFalse(gateway.transcript().stream().anyMatch(line -> line.contains("Exception")),
                    () -> "no exception expected:\n" + gateway.transcriptText());
            gateway.send("stop 0");
            assertEquals(0, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
        }
    }

    /**
     * No credentials configured: the Web Console has no login at all, its default admin/admin
     * included, and the log says what to configure.
     */
    @Test
    void withoutConfiguredCredentialsEveryRequestIsRefused() throws Exception {
        Path work = GatewayProcess.workFolder("web-nologin");
        int port = freePort();
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.WEB_JAR, work.resolve("storage"),
                List.of(GatewayProcess.DEFAULTS), List.of("-Dorg.osgi.service.http.port=" + port), false)) {
            gateway.awaitReady(WEB_START_TIMEOUT);
            String console = "http://127.0.0.1:" + port + "/system/console";
            // 401 comes only from the SafeAlloc login: the Web Console serves nothing without it.
            awaitHttp(console + "/" + WebConsoleConstants.LABEL, basic("admin", "admin"), 401, gateway);
            assertTrue(gateway.transcript().stream().anyMatch(line -> line.contains(
                    "Web Console login refuses every request: no credentials configured in configuration "
                            + WebConsoleConstants.PID)), gateway::transcriptText);
            for (String url : List.of(console, console + "/bundles", console + "/" + WebConsoleConstants.LABEL
                    + WebConsoleConstants.DATA_PATH)) {
                for (String login : new String[] {null, basic("admin", "admin"), basic("", "")}) {
                    HttpResponse<String> answer = get(url, login);
                    assertEquals(401, answer.statusCode(), url);
                    assertTrue(answer.body().startsWith("401 the Web Console has no login: no credentials configured"),
                            answer.body());
                }
            }
            gateway.send("stop 0");
            assertEquals(0, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
        }
    }

    /** 401 without the configured login (the Web Console's admin/admin included); bad input: 400, one line. */
    private void httpRules(String page) throws Exception {
        HttpResponse<String> anonymous = get(page, null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "));
        assertEquals(401, get(page + WebConsoleConstants.DATA_PATH, null).statusCode());
        assertEquals(401, get(page, basic("admin", "admin")).statusCode(), "the Web Console's default login");
        assertEquals(401, get(page, basic(USER, "wrong")).statusCode());
        assertEquals(401, get("http://127.0.0.1:" + URI.create(page).getPort() + "/system/console/bundles",
                basic("admin", "admin")).statusCode(), "the whole console, not just the page");

        HttpResponse<String> data = get(page + WebConsoleConstants.DATA_PATH, basic(USER, PASSWORD));
        assertEquals(200, data.statusCode());
        assertTrue(data.body().contains("\"bundles\":["), data.body());

        for (String bad : List.of("abc", "0", "-5", "100000", "1e3")) {
            HttpResponse<String> answer = get(page + WebConsoleConstants.DATA_PATH + "?"
                    + WebConsoleConstants.SECONDS_PARAMETER + "=" + bad, basic(USER, PASSWORD));
            assertEquals(400, answer.statusCode(), bad);
            assertTrue(answer.body().startsWith("{\"error\":\"seconds"), answer.body());
            assertNoStackTrace(answer.body());
        }
        for (String bad : List.of("lots", "-1", "1.5g", "", "99999999999999999999")) {
            HttpResponse<String> answer = post(page + WebConsoleConstants.LIMIT_PATH,
                    WebConsoleConstants.LIMIT_FIELD + "=" + bad, null);
            assertEquals(400, answer.statusCode(), bad);
            assertTrue(answer.body().startsWith("{\"error\":\"limit: "), answer.body());
            assertNoStackTrace(answer.body());
        }
        HttpResponse<String> crossSite = post(page + WebConsoleConstants.LIMIT_PATH,
                WebConsoleConstants.LIMIT_FIELD + "=1k", "http://evil.example");
        assertEquals(403, crossSite.statusCode(), crossSite.body());
    }

    private static void assertNoStackTrace(String body) {
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("\n"), body);
    }

    /**
     * Polls Felix HC's servlet (no login: it is not the Web Console's) until its JSON holds
     * {@code expected} and names the SafeAlloc check; a health check result is cached for a while.
     */
    private void awaitHealth(String url, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + HTTP_UP_TIMEOUT.toNanos();
        String last = "nothing";
        while (System.nanoTime() - deadline < 0) {
            try {
                HttpResponse<String> answer = get(url, null);
                last = "HTTP " + answer.statusCode() + ": " + answer.body();
                if (answer.statusCode() == 200 && answer.body().contains(expected)
                        && answer.body().contains("\"" + ObservationConstants.HEALTH_CHECK_NAME + "\"")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // polls a server in another process
        }
        throw new AssertionError("within " + HTTP_UP_TIMEOUT + " " + url + " did not answer " + expected + "; last: " + last);
    }

    private HttpResponse<String> get(String url, String basicCredentials) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (basicCredentials != null) {
            request.header("Authorization", "Basic " + basicCredentials);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String form, String origin) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + basic(USER, PASSWORD))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** HTTP comes up after the ready banner (Jetty and the Web Console start in the background). */
    private void awaitHttp(String url, String basicCredentials, int expected, GatewayProcess gateway)
            throws InterruptedException {
        long deadline = System.nanoTime() + HTTP_UP_TIMEOUT.toNanos();
        String last = "nothing";
        while (System.nanoTime() - deadline < 0) {
            try {
                int status = get(url, basicCredentials).statusCode();
                if (status == expected) {
                    return;
                }
                last = "HTTP " + status;
            } catch (IOException e) {
                last = e.toString();
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // polls a server in another process
        }
        throw new AssertionError(url + " did not answer " + expected + " within " + HTTP_UP_TIMEOUT + " (last: "
                + last + "); gateway output:\n" + gateway.transcriptText());
    }

    private static void awaitUpdates(WebDriver browser, long updates) {
        awaitPage(browser, updates + " updates of the page",
                () -> number(browser, "return window.safeAllocPage ? window.safeAllocPage.updates : 0;") >= updates);
    }

    private static void awaitPage(WebDriver browser, String what, BooleanSupplier condition) {
        try {
            new WebDriverWait(browser, PAGE_TIMEOUT, Duration.ofMillis(100)).until(b -> condition.getAsBoolean());
        } catch (TimeoutException e) {
            throw new AssertionError("within " + PAGE_TIMEOUT + ": " + what + "; page error: "
                    + ((JavascriptExecutor) browser).executeScript("return window.safeAllocPage && window.safeAllocPage.error;")
                    + "; last data: " + ((JavascriptExecutor) browser)
                            .executeScript("return JSON.stringify(window.safeAllocPage && window.safeAllocPage.last);"), e);
        }
    }

    /**
     * @return the shell's bytes in use as its row in the bundles table shows them, -1 without a row
     *     (read in one script: the page replaces its rows every second)
     */
    private static long bundleInUse(WebDriver browser) {
        return number(browser, "var row = document.querySelector(\"#sa-bundles tr[data-bundle='" + SHELL + "']\");"
                + " return row ? Number(row.getAttribute('data-in-use')) : -1;");
    }

    /** @return the shell's newest value in the chart's data, 0 when the chart has no line for it */
    private static long chartLast(WebDriver browser) {
        return number(browser, "var h = window.safeAllocPage.last.history; var s = h.bundles['" + SHELL + "'];"
                + " return s ? s[s.length - 1] : 0;");
    }

    private static long handlersShown(WebDriver browser) {
        return number(browser, "return document.querySelectorAll('#sa-handlers tbody tr').length;");
    }

    private static long number(WebDriver browser, String script) {
        Object value = ((JavascriptExecutor) browser).executeScript(script);
        return value instanceof Number n ? n.longValue() : Long.MIN_VALUE;
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(String password) throws Exception {
        return WebConsoleConstants.SHA_256_PREFIX + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
