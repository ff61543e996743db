package io.safealloc.itests;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.SplittableRandom;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.safealloc.api.AllocatorService;

/**
 * The configuration thread of the stress run: changes the allocator's limit (2 to 12 MiB) and
 * warnPercent (50 to 95) through Config Admin, now and then sending an invalid configuration first
 * (negative limit, warnPercent 0), which must be rejected whole, and now and then switching to
 * CHECKED safety and back. Each valid change is awaited until the allocator shows it.
 *
 * <p>Confined to its thread.
 */
final class ConfigChurn {

    private final Configuration configuration;
    private final AllocatorService allocator;
    private final SplittableRandom random;
    long changes;
    long rejectedChanges;

    ConfigChurn(ConfigurationAdmin admin, AllocatorService allocator, long seed) throws IOException {
        this.configuration = admin.getConfiguration(Fixture.PID, "?");
        this.allocator = allocator;
        this.random = new SplittableRandom(seed);
    }

    void run(StressRounds rounds) throws Exception {
        do {
            do {
                change();
            } while (rounds.roundRunning());
        } while (rounds.checkpoint());
    }

    private void change() throws IOException {
        if (random.nextInt(10) == 0) {
            // Rejected whole, with a log line; Config Admin delivers in order, so the valid update
            // below is applied after it, and awaiting that one covers both.
            boolean negativeLimit = random.nextBoolean();
            configuration.update(settings(negativeLimit ? -1 : 4 << 20, negativeLimit ? 85 : 0, "FAST"));
            rejectedChanges++;
        }
        long limit = random.nextLong(2 << 20, 12 << 20);
        int warnPercent = random.nextInt(50, 96);
        configuration.update(settings(limit, warnPercent, random.nextInt(8) == 0 ? "CHECKED" : "FAST"));
        long threshold = limit * warnPercent / 100;
        try {
            Fixture.await("limit " + limit + " at " + warnPercent + " %",
                    () -> allocator.stats().limit() == limit && allocator.stats().warnThreshold() == threshold);
        } catch (AssertionError notApplied) { // who holds up Config Admin or SCR?
            throw new AssertionError(notApplied.getMessage() + "\n" + ThreadDump.all(), notApplied);
        }
        changes++;
    }

    private static Dictionary<String, Object> settings(long limit, int warnPercent, String safety) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("defaultRecovery", "FAIL");
        properties.put("limit", limit);
        properties.put("warnPercent", warnPercent);
        properties.put("maxRetries", 3);
        properties.put("safety", safety);
        return properties;
    }
}
