package io.safealloc.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.RuntimeMBeanException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.Test;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.ObservationConstants;

/**
 * A real remote JMX client (RMI, {@link JMXConnectorFactory}) against the forked gateway started with
 * {@code -Dsafealloc.gateway.jmxPort=0} (what {@code bnd/gateway --jmx-port 0} passes): the connector
 * listens on 127.0.0.1 only; the allocator's figures and the shell bundle's bean read over the wire;
 * a LIMIT provoked with {@code mem:alloc --drill} arrives as a notification; the limit set through
 * JMX is applied, persisted by Config Admin and still there after a restart; stopping the JMX bundle
 * leaves no SafeAlloc MBean behind.
 */
class JmxIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> JMX_ON_ANY_FREE_PORT = List.of("-Dsafealloc.gateway.jmxPort=0");

    @Test
    void figuresNotificationsAndAPersistentLimitOverJmx() throws Exception {
        Path work = GatewayProcess.workFolder("jmx");
        Path storage = work.resolve("storage");
        // No limit in the file (a file's keys win at every start, the JMX change must be what persists);
        // FAIL instead of ABORT, so that the drill's LIMIT does not end the gateway.
        Path config = GatewayConfig.named("jmx")
                .pid(AllocatorConstants.PID, AllocatorConstants.DEFAULT_RECOVERY, "FAIL",
                        AllocatorConstants.PRESSURE_SOURCES, "heap,direct").writeTo(work);
        ObjectName allocator = new ObjectName(ObservationConstants.ALLOCATOR_OBJECT_NAME);
        ObjectName shellBean = new ObjectName(ObservationConstants.bundleObjectName("io.safealloc.shell"));

        try (GatewayProcess gateway = GatewayProcess.start(storage, List.of(config), false, JMX_ON_ANY_FREE_PORT)) {
            JMXServiceURL url = awaitConnectorAddress(gateway);
            gateway.awaitReady();
            assertListensOnLoopbackOnly(url);
            try (JMXConnector client = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection server = client.getMBeanServerConnection();
                assertEquals(0L, server.getAttribute(allocator, "Limit"), "no limit configured yet");
                List<String> handlers = List.of((String[]) server.getAttribute(allocator, "Handlers"));
                assertTrue(handlers.getLast().startsWith("then: default handler"), handlers::toString);
                assertEquals("FAST", server.getAttribute(allocator, "ConfiguredSafety"));
                List<String> pressure = List.of((String[]) server.getAttribute(allocator, "Pressure"));
                assertEquals(2, pressure.size(), pressure::toString);
                assertTrue(pressure.get(0).matches("HEAP NORMAL \\d+\\.\\d % \\(.+ of .+; high \\d+ %, critical \\d+ %\\).*"),
                        pressure::toString);
                assertTrue(pressure.get(1).startsWith("DIRECT NORMAL "), pressure::toString);

                RuntimeMBeanException negative = assertThrows(RuntimeMBeanException.class,
                        () -> server.setAttribute(allocator, new Attribute("Limit", -1L)));
                assertEquals("limit must be >= 0 bytes, was -1", negative.getTargetException().getMessage());
                assertEquals(IllegalArgumentException.class, negative.getTargetException().getClass());
                assertEquals(0L, server.getAttribute(allocator, "Limit"), "nothing changed");

                server.setAttribute(allocator, new Attribute("Limit", 1L << 20));
                assertEquals(1L << 20, server.getAttribute(allocator, "Limit"), "applied before setLimit returned");
                assertEquals(891289L, server.getAttribute(allocator, "WarnThreshold"), "85 % of 1 MiB");

                gateway.send("mem:alloc 512k");
                gateway.awaitLine("allocated #1: 512.0 KiB");
                await(() -> isRegistered(server, shellBean), "the shell's bundle bean");
                assertEquals(524288L, server.getAttribute(shellBean, "BytesInUse"));
                assertEquals("io.safealloc.shell", server.getAttribute(shellBean, "BundleName"));
                assertTrue((Long) server.getAttribute(allocator, "BytesInUse") >= 524288L);

                BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();
                server.addNotificationListener(allocator, (notification, handback) -> notifications.add(notification),
                        null, null);
                gateway.send("mem:alloc --drill 1m");
                gateway.awaitLine("mem:alloc failed: LIMIT \\(global budget\\) for 1.0 MiB .*decision FAIL");
                Notification limit = awaitNotification(notifications, ObservationConstants.notificationType(Cause.LIMIT));
                CompositeData data = (CompositeData) limit.getUserData();
                assertEquals("FAIL", data.get(MemoryEvents.DECISION));
                assertEquals(1048576L, data.get(MemoryEvents.SIZE));
                assertEquals("GLOBAL", data.get(MemoryEvents.BUDGET));
                assertEquals("io.safealloc.shell", data.get(MemoryEvents.BUNDLE_NAME));
                assertEquals(allocator, limit.getSource());
                assertTrue(limit.getMessage().startsWith("LIMIT (GLOBAL) for 1048576 bytes by io.safealloc.shell: decision FAIL"),
                        limit::getMessage);
                var failures = (javax.management.openmbean.TabularData) server.getAttribute(allocator, "Failures");
                assertEquals(1L, failures.get(new Object[] {"LIMIT"}).get("value"));

                // The bundle goes, and its beans with it.
                gateway.send("lb -s io.safealloc.jmx");
                String jmxBundle = gateway.awaitLine("^\\s*(\\d+)\\|Active.*\\|io\\.safealloc\\.jmx ").group(1);
                gateway.send("stop " + jmxBundle);
                ObjectName everything = new ObjectName(ObservationConstants.JMX_DOMAIN + ":*");
                await(() -> queryNames(server, everything).isEmpty(), "no SafeAlloc MBean after the bundle stopped");
                // Started again (a stopped bundle would stay stopped at the next start): registered again.
                gateway.send("start " + jmxBundle);
                await(() -> isRegistered(server, allocator), "the allocator bean back after the bundle's start");
            }
            gateway.send("stop 0");
            assertEquals(0, gateway.awaitExit(WAIT), gateway::transcriptText);
        }

        try (GatewayProcess gateway = GatewayProcess.start(storage, List.of(config), false, JMX_ON_ANY_FREE_PORT)) {
            JMXServiceURL url = awaitConnectorAddress(gateway);
            gateway.awaitReady();
            try (JMXConnector client = JMXConnectorFactory.connect(url)) {
                assertEquals(1L << 20, client.getMBeanServerConnection().getAttribute(allocator, "Limit"),
                        "the limit set over JMX persisted in Config Admin");
            }
            gateway.send("stop 0");
            assertEquals(0, gateway.awaitExit(WAIT), gateway::transcriptText);
        }
    }

    private static JMXServiceURL awaitConnectorAddress(GatewayProcess gateway) throws Exception {
        String address = gateway.awaitLine("JMX connector at (service:jmx:\\S+) \\(loopback only, no authentication\\)")
                .group(1);
        JMXServiceURL url = new JMXServiceURL(address);
        assertEquals("127.0.0.1", url.getHost(), address);
        return url;
    }

    /** The port answers on 127.0.0.1 and refuses on the machine's other addresses (when it has one). */
    private static void assertListensOnLoopbackOnly(JMXServiceURL url) throws IOException {
        int port = url.getPort();
        try (Socket loopback = new Socket()) {
            loopback.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        Optional<InetAddress> other = NetworkInterface.networkInterfaces().filter(JmxIT::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        if (other.isPresent()) {
            assertThrows(IOException.class, () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(other.get(), port), 2000);
                }
            }, "nothing listens on " + other.get() + ":" + port);
        }
    }

    private static boolean isUp(NetworkInterface network) {
        try {
            return network.isUp();
        } catch (IOException e) {
            return false;
        }
    }

    private static Notification awaitNotification(BlockingQueue<Notification> queue, String type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Notification next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("no notification " + type + " within " + WAIT);
            }
            if (next.getType().equals(type)) {
                return next;
            }
        }
    }

    private static boolean isRegistered(MBeanServerConnection server, ObjectName name) {
        try {
            return server.isRegistered(name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<ObjectName> queryNames(MBeanServerConnection server, ObjectName pattern) {
        try {
            return server.queryNames(pattern, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls a condition until it holds or the deadline passes (the bundle beans follow on a 2 s refresh or an event). */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within " + WAIT);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
