package io.safealloc.itests;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.stream.Collectors;

/** A dump of every thread with its locks, for the failure message of a run that hung. */
final class ThreadDump {

    private ThreadDump() {
    }

    static String all() {
        ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
        long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        String header = deadlocked == null ? "no deadlock among monitors/ownable synchronizers\n"
                : "DEADLOCKED thread ids " + Arrays.toString(deadlocked) + "\n";
        return header + Arrays.stream(threads).map(ThreadDump::format).collect(Collectors.joining());
    }

    /** ThreadInfo.toString cuts stacks at 8 frames, too few to see who waits for whom inside SCR. */
    private static String format(ThreadInfo t) {
        StringBuilder b = new StringBuilder().append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
        if (t.getLockName() != null) {
            b.append(" on ").append(t.getLockName());
        }
        if (t.getLockOwnerName() != null) {
            b.append(" owned by \"").append(t.getLockOwnerName()).append('"');
        }
        b.append('\n');
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 40); i++) {
            b.append("\tat ").append(stack[i]).append('\n');
        }
        return b.append('\n').toString();
    }
}
