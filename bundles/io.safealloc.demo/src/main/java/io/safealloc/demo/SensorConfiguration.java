package io.safealloc.demo;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@value SensorComponent#PID}: the sensor feed runs while it exists. */
@ObjectClassDefinition(id = SensorComponent.PID, name = "SafeAlloc demo: sensor feed",
        description = "Simulated sensor frames copied into native buffers at a fixed rate")
public @interface SensorConfiguration {

    @AttributeDefinition(min = "1", max = "1000", description = "Frames captured per second")
    int framesPerSecond() default 50;

    @AttributeDefinition(min = "16", description = "Bytes per frame (16-byte header, then 16-bit samples)")
    int frameSize() default 16384;

    @AttributeDefinition(min = "1", max = "100000",
            description = "Recent frames kept in native memory; older ones are freed")
    int buffersKept() default 256;
}
