/*
 * A JMX session with the SafeAlloc gateway, as a script: no build, no SafeAlloc class, only the JDK.
 *
 *   bnd/gateway --jmx-port 9010 &
 *   java bnd/JmxSession.java service:jmx:rmi://127.0.0.1:9010/jndi/rmi://127.0.0.1:9010/jmxrmi [LIMIT_BYTES] [LISTEN_SECONDS]
 *
 * Prints every attribute of io.safealloc:type=Allocator and of each io.safealloc:type=Bundle bean;
 * with LIMIT_BYTES sets the Limit attribute (through Config Admin, so it persists) and reads it back;
 * then prints the notifications that arrive within LISTEN_SECONDS (default 0: none awaited).
 * The transcript in docs/gateway.md ("JMX") is a run of this file.
 */
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

public class JmxSession {

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java JmxSession.java <service:jmx:... URL> [LIMIT_BYTES] [LISTEN_SECONDS]");
            System.exit(2);
        }
        JMXServiceURL url = new JMXServiceURL(args[0]);
        JMXConnector connector = JMXConnectorFactory.connect(url);
        try {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            System.out.println("connected to " + url);
            ObjectName allocator = new ObjectName("io.safealloc:type=Allocator");
            BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();
            server.addNotificationListener(allocator, (n, handback) -> notifications.add(n), null, null);
            print(server, allocator);
            for (ObjectName bundle : server.queryNames(new ObjectName("io.safealloc:type=Bundle,name=*"), null)) {
                print(server, bundle);
            }
            if (args.length > 1) {
                long limit = Long.parseLong(args[1]);
                server.setAttribute(allocator, new Attribute("Limit", limit));
                System.out.println("set " + allocator + " Limit = " + limit + "; read back: "
                        + server.getAttribute(allocator, "Limit") + ", WarnThreshold: "
                        + server.getAttribute(allocator, "WarnThreshold"));
            }
            long listen = args.length > 2 ? Long.parseLong(args[2]) : 0;
            if (listen > 0) {
                System.out.println("listening for notifications for " + listen + " s ...");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(listen);
                for (Notification n; (n = notifications.poll(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS)) != null;) {
                    System.out.println("notification #" + n.getSequenceNumber() + " " + n.getType() + ": " + n.getMessage());
                    System.out.println("  userData: " + open(n.getUserData()));
                }
            }
        } finally {
            try {
                connector.close();
            } catch (java.io.IOException e) {
                System.out.println("(the gateway has gone: " + e.getClass().getSimpleName() + ")"); // after an ABORT
            }
        }
    }

    private static void print(MBeanServerConnection server, ObjectName name) throws Exception {
        System.out.println(name);
        for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
            Object value = server.getAttribute(name, attribute.getName());
            System.out.println("  " + attribute.getName() + (attribute.isWritable() ? " (writable)" : "") + " = " + open(value));
        }
    }

    /** Open-type values in one line: arrays as lists, tables and composites as key=value. */
    private static String open(Object value) {
        if (value instanceof String[] strings) {
            return strings.length == 0 ? "[]" : "\n      " + String.join("\n      ", strings);
        }
        if (value instanceof TabularData table) {
            StringBuilder text = new StringBuilder("{");
            for (Object row : table.values()) {
                CompositeData entry = (CompositeData) row;
                text.append(text.length() > 1 ? ", " : "").append(entry.get("key")).append('=').append(entry.get("value"));
            }
            return text.append('}').toString();
        }
        if (value instanceof CompositeData data) {
            StringBuilder text = new StringBuilder("{");
            for (String key : new java.util.TreeSet<>(data.getCompositeType().keySet())) {
                text.append(text.length() > 1 ? ", " : "").append(key).append('=').append(data.get(key));
            }
            return text.append('}').toString();
        }
        return String.valueOf(value);
    }
}
