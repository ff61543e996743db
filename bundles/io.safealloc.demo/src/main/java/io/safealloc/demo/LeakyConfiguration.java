package io.safealloc.demo;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@value LeakyComponent#PID}: the leak runs while it exists. */
@ObjectClassDefinition(id = LeakyComponent.PID, name = "SafeAlloc demo: leaky component",
        description = "Allocates native memory and never frees it, to show the leak report when the bundle stops")
public @interface LeakyConfiguration {

    @AttributeDefinition(min = "0", description = "Blocks allocated at once when the component starts")
    int leakCount() default 0;

    @AttributeDefinition(min = "0", description = "Bytes allocated every second after that; 0 = no growth")
    long leakBytesPerSecond() default 1048576;

    @AttributeDefinition(min = "1", description = "Bytes per allocated block")
    int leakSize() default 65536;
}
