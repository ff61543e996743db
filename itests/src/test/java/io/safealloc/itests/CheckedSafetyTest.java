package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;

/** {@code safety=CHECKED} through Config Admin: a bundle's use after free fails cleanly. */
@ExtendWith(ServiceExtension.class)
class CheckedSafetyTest {

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @AfterEach
    void backToFast() throws Exception {
        configure(configAdmin, allocator, 0);
    }

    @Test
    void useAfterFreeAndStaleFreeFailWhenChecked() throws Exception {
        configure(configAdmin, allocator, 1 << 20, AllocatorConstants.SAFETY, "CHECKED");
        MemorySegment s = allocator.rAlloc(16);
        s.set(JAVA_INT, 0, 7);
        assertEquals(7, s.get(JAVA_INT, 0));
        allocator.rFree(s);
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_INT, 0));
        MemorySegment again = allocator.rAlloc(16);
        assertThrows(IllegalArgumentException.class, () -> allocator.rFree(s));
        allocator.rFree(again);
    }
}
