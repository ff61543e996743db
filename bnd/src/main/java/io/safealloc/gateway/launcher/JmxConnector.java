package io.safealloc.gateway.launcher;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;

import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

/**
 * The gateway's remote JMX connector (RMI), for JConsole, hawtio or a JMX collector: the platform
 * MBean server, where the {@code io.safealloc.jmx} bundle registers the allocator's beans.
 *
 * <p>Bound to one address only, 127.0.0.1 unless {@value LaunchSettings#JMX_HOST} names another: the
 * RMI registry and the connector share one port (the same server socket factory), so a firewall or
 * an SSH tunnel ({@code ssh -L 9010:127.0.0.1:9010 gateway}) has one port to pass. Unlike the JDK's
 * {@code com.sun.management.jmxremote.port}, which listens on every interface unless told otherwise,
 * nothing listens on an address that was not asked for. There is no authentication and no TLS: on
 * the loopback address, whoever can log in to the machine may connect; a non-loopback address is
 * logged as a warning for that reason.
 *
 * <p>Port 0 picks a free port; {@link #address()} names the one in use.
 */
final class JmxConnector implements AutoCloseable {

    private final JMXConnectorServer server;
    private final Registry registry;
    private final JMXServiceURL address;

    private JmxConnector(JMXConnectorServer server, Registry registry, JMXServiceURL address) {
        this.server = server;
        this.registry = registry;
        this.address = address;
    }

    /**
     * Starts the connector.
     *
     * @param host the one address to listen on (a name or a literal)
     * @param port the port, 0 for any free one
     * @throws IOException if the address is unknown or the port cannot be bound
     */
    static JmxConnector start(String host, int port) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        // The address RMI writes into the stubs it hands out: the one we listen on, not the
        // machine's name (which may resolve to an interface nothing listens on).
        if (System.getProperty("java.rmi.server.hostname") == null) {
            System.setProperty("java.rmi.server.hostname", address.getHostAddress());
        }
        BoundServerSockets sockets = new BoundServerSockets(address);
        Registry registry = LocateRegistry.createRegistry(port, null, sockets);
        int actualPort = port != 0 ? port : sockets.lastPort();
        String hostPart = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + hostPart + ":" + actualPort + "/jndi/rmi://" + hostPart
                + ":" + actualPort + "/jmxrmi");
        Map<String, Object> environment = new HashMap<>();
        environment.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(url, environment,
                ManagementFactory.getPlatformMBeanServer());
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            UnicastRemoteObject.unexportObject(registry, true);
            throw e;
        }
        return new JmxConnector(server, registry, url);
    }

    /** @return the address a client connects to, e.g. {@code service:jmx:rmi://127.0.0.1:9010/jndi/rmi://127.0.0.1:9010/jmxrmi} */
    JMXServiceURL address() {
        return address;
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop();
        } finally {
            UnicastRemoteObject.unexportObject(registry, true);
        }
    }

    /**
     * Server sockets bound to one address. Equal instances share a port in RMI (the registry and the
     * connector are exported with this same factory), hence equals and hashCode on the address;
     * remembers the port of the last socket it made (for port 0).
     */
    static final class BoundServerSockets implements RMIServerSocketFactory, Serializable {

        private static final long serialVersionUID = 1L;

        private final InetAddress address;
        private transient volatile int lastPort;

        BoundServerSockets(InetAddress address) {
            this.address = address;
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket socket = new ServerSocket(port, 50, address);
            lastPort = socket.getLocalPort();
            return socket;
        }

        int lastPort() {
            return lastPort;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof BoundServerSockets that && that.address.equals(address);
        }

        @Override
        public int hashCode() {
            return address.hashCode();
        }
    }

    /** @return whether {@code host} is a loopback address (a name is resolved) */
    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
