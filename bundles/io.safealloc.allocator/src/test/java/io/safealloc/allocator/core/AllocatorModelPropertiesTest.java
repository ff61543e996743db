package io.safealloc.allocator.core;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import io.safealloc.allocator.core.AllocatorModel.Adopt;
import io.safealloc.allocator.core.AllocatorModel.AdoptTwice;
import io.safealloc.allocator.core.AllocatorModel.Alloc;
import io.safealloc.allocator.core.AllocatorModel.AllocType;
import io.safealloc.allocator.core.AllocatorModel.CloseOwner;
import io.safealloc.allocator.core.AllocatorModel.Free;
import io.safealloc.allocator.core.AllocatorModel.FreeForeign;
import io.safealloc.allocator.core.AllocatorModel.FreeInterior;
import io.safealloc.allocator.core.AllocatorModel.Memdup;
import io.safealloc.allocator.core.AllocatorModel.Realloc;
import io.safealloc.allocator.core.AllocatorModel.Step;
import io.safealloc.allocator.core.AllocatorModel.UseStale;

/**
 * Property-based (jqwik): any sequence of rAlloc, rAllocType, rRealloc, rMemdup, adopt and rFree,
 * mixed with rejected misuse (stale, interior, foreign, double adopt) and owners stopping, leaves the
 * allocator agreeing with {@link AllocatorModel} after every step, in FAST and CHECKED mode. A
 * failure is shrunk to a short sequence and reported with the seed that replays it
 * ({@code @Property(seed = "...")}).
 */
class AllocatorModelPropertiesTest {

    @Property(tries = 1000, edgeCases = net.jqwik.api.EdgeCasesMode.MIXIN)
    void theAllocatorAgreesWithTheModelAfterEveryStep(@ForAll("programs") List<Step> program, @ForAll Safety safety) {
        try (AllocatorModel model = new AllocatorModel(safety)) {
            model.run(program);
        }
    }

    @Provide
    Arbitrary<List<Step>> programs() {
        Arbitrary<Integer> owner = Arbitraries.integers().between(0, 2);
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1_000);
        // Mostly small blocks, sometimes up to 64 KiB (larger than the critical-downcall limit); 0 included.
        Arbitrary<Long> size = Arbitraries.longs().between(0, 64 * 1024).withDistribution(RandomDistribution.biased());
        Arbitrary<Step> alloc = Combinators.combine(owner, size).as(Alloc::new);
        Arbitrary<Step> allocType = Combinators.combine(owner, size.filter(s -> s > 0), Arbitraries.integers().between(0, 12))
                .as(AllocType::new);
        Arbitrary<Step> realloc = Combinators.combine(owner, pick, size).as(Realloc::new);
        Arbitrary<Step> memdup = Combinators.combine(owner, pick).as(Memdup::new);
        Arbitrary<Step> adopt = Combinators.combine(owner, size.filter(s -> s <= 4096)).as(Adopt::new);
        Arbitrary<Step> free = Combinators.combine(owner, pick).as(Free::new);
        Arbitrary<Step> useStale = Combinators.combine(pick, Arbitraries.of(true, false)).as(UseStale::new);
        Arbitrary<Step> interior = Combinators.combine(pick, Arbitraries.longs().between(0, 1 << 20)).as(FreeInterior::new);
        Arbitrary<Step> foreign = Arbitraries.of(true, false).map(FreeForeign::new);
        Arbitrary<Step> adoptTwice = pick.map(AdoptTwice::new);
        Arbitrary<Step> close = Arbitraries.integers().between(1, 2).map(CloseOwner::new);
        return Arbitraries.frequencyOf(
                Tuple.of(8, alloc), Tuple.of(3, allocType), Tuple.of(4, realloc), Tuple.of(2, memdup),
                Tuple.of(2, adopt), Tuple.of(7, free), Tuple.of(2, useStale), Tuple.of(1, interior),
                Tuple.of(1, foreign), Tuple.of(1, adoptTwice), Tuple.of(1, close))
                .list().ofMinSize(1).ofMaxSize(80);
    }
}
