package io.safealloc.gateway.banner;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@value ReadyBanner#PID} (optional: the defaults suit a gateway without handlers). */
@ObjectClassDefinition(id = ReadyBanner.PID, name = "SafeAlloc start-up banner",
        description = "When to print the one-line 'SafeAlloc gateway ready' banner")
public @interface BannerConfiguration {

    @AttributeDefinition(min = "0", description = "Wait until at least this many MemHandler services are "
            + "registered (handlers that need configuration come up after the framework has started)")
    int expectedHandlers() default 0;

    @AttributeDefinition(min = "0", description = "Print the banner after at most this many seconds, "
            + "saying what is still missing")
    int waitSeconds() default 5;
}
