package io.safealloc.allocator.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.safealloc.api.AllocatorConstants;

/** One bundle's budget: factory PID {@value AllocatorConstants#QUOTA_FACTORY_PID}, one configuration per bundle. */
@ObjectClassDefinition(id = AllocatorConstants.QUOTA_FACTORY_PID, name = "SafeAlloc bundle quota",
        description = "Caps what one bundle may hold, so that it cannot starve the others")
public @interface QuotaConfiguration {

    @AttributeDefinition(description = "Symbolic name of the bundle the quota applies to")
    String bundle();

    @AttributeDefinition(description = "Bytes the bundle may hold; 0 = no quota")
    long limit();
}
