#!/usr/bin/env python3
"""Prints the SafeAlloc benchmark table and the goals check from a JMH JSON result file.

Usage: report.py RESULTS.json [--metadata METADATA.json] [--smoke]

One row per benchmark / parameters / thread count: score (ns/op), error (99.9 %), and the ratio to
the naive FFM malloc+free baseline (AllocFree.ffmMallocFree) of the same size and thread count from
the same run (rows without a size parameter are 64-byte operations and compare with size 64).
With `-prof gc` the normalised allocation rate (B/op) is shown as well.
"""
import argparse
import json
import math
import re
import sys

BASELINE = ("AllocFree", "ffmMallocFree")
GROUP_ORDER = ["AllocFree", "StructAllocFree", "ArrowAllocFree", "LiveScaling", "HandlerScaling", "PairedScaling",
               "FailurePath", "SafetyModes", "HotPathBreakdown"]
METHOD_ORDER = ["ffmMallocFree", "ffmCriticalMallocFree", "safeAllocCore", "safeAllocBundleView", "safeAllocType",
                "arenaConfined", "arenaShared", "allocateDirect", "nettyPooled", "nettyUnpooled",
                "arrowRootAllocator", "limitFail",
                "criticalMallocFree", "plusTwoCas", "plusLiveTable", "plusLedgers", "plusSegment", "allLayers"]
DEFAULT_SIZE = 64  # StructAllocFree's struct, the scaling and failure benchmarks


def split_name(benchmark):
    """io.safealloc.benchmarks.AllocFreeT2.nettyPooled -> ('AllocFree', 'nettyPooled')."""
    cls, method = benchmark.rsplit(".", 1)
    cls = cls.rsplit(".", 1)[-1]
    return re.sub(r"T\d+$", "", cls), method


def fmt_num(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if value >= 100_000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:,.1f}"
    return f"{value:.2f}"


def load(path):
    with open(path) as f:
        data = json.load(f)
    rows = []
    for entry in data:
        group, method = split_name(entry["benchmark"])
        params = dict(entry.get("params") or {})
        size = int(params.pop("size")) if "size" in params else None
        primary = entry["primaryMetric"]
        secondary = entry.get("secondaryMetrics") or {}
        alloc = None
        for key in ("gc.alloc.rate.norm", "\u00b7gc.alloc.rate.norm"):
            if key in secondary:
                alloc = secondary[key].get("score")
        error = primary.get("scoreError")
        if isinstance(error, str) or error is None:  # "NaN" with a single measurement
            error = float("nan")
        rows.append({
            "group": group, "method": method, "size": size, "params": params,
            "threads": entry.get("threads", 1), "score": primary["score"], "error": error,
            "unit": primary.get("scoreUnit", ""), "alloc": alloc, "paired": paired_times(secondary),
        })
    return rows


def paired_times(secondary):
    """PairedScaling's per-iteration times of both sides: [(reference ns, scaled ns)], or None."""
    reference, scaled = secondary.get("referenceNanos"), secondary.get("scaledNanos")
    if not reference or not scaled:
        return None
    flat = lambda metric: [v for fork in metric.get("rawData") or [] for v in fork]
    return list(zip(flat(reference), flat(scaled)))


def paired_change(row):
    """(change of the summed times in %, lowest and highest change of a single iteration in %)."""
    pairs = row and row["paired"]
    if not pairs:
        return None
    total = (sum(s for _, s in pairs) / sum(r for r, _ in pairs) - 1) * 100
    each = [(s / r - 1) * 100 for r, s in pairs if r]
    return total, min(each), max(each)


def sort_key(row):
    group = GROUP_ORDER.index(row["group"]) if row["group"] in GROUP_ORDER else len(GROUP_ORDER)
    method = METHOD_ORDER.index(row["method"]) if row["method"] in METHOD_ORDER else len(METHOD_ORDER)
    params = tuple(sorted((k, int(v) if str(v).isdigit() else 0) for k, v in row["params"].items()))
    return (group, row["size"] or DEFAULT_SIZE, row["threads"], method, params)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--metadata")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()

    rows = sorted(load(args.results), key=sort_key)
    baseline = {(r["size"], r["threads"]): r["score"] for r in rows
                if (r["group"], r["method"]) == BASELINE}

    def ratio(row):
        base = baseline.get((row["size"] or DEFAULT_SIZE, row["threads"]))
        return row["score"] / base if base else None

    def find_row(group, method, size=None, threads=1, **params):
        for r in rows:
            if (r["group"], r["method"], r["size"], r["threads"]) == (group, method, size, threads) \
                    and all(str(r["params"].get(k)) == str(v) for k, v in params.items()):
                return r
        return None

    def find(group, method, size=None, threads=1, **params):
        row = find_row(group, method, size, threads, **params)
        return row["score"] if row else None

    metadata = None
    if args.metadata:
        try:
            with open(args.metadata) as f:
                metadata = json.load(f)
        except (OSError, ValueError) as e:
            print(f"(metadata not available: {e})", file=sys.stderr)

    if args.smoke:
        print("SMOKE RUN: minimal warm-up and measurement; the numbers below are NOT meaningful.")
    show_alloc = any(r["alloc"] is not None for r in rows)
    header = ["Benchmark", "size B", "params", "thr", "score", "error", "unit", "x naive"]
    if show_alloc:
        header.append("alloc B/op")
    table = []
    for r in rows:
        rt = ratio(r)
        line = [f"{r['group']}.{r['method']}",
                str(r["size"]) if r["size"] is not None else f"({DEFAULT_SIZE})",
                ",".join(f"{k}={v}" for k, v in sorted(r["params"].items())) or "-",
                str(r["threads"]), fmt_num(r["score"]),
                "" if math.isnan(r["error"]) else "\u00b1 " + fmt_num(r["error"]),
                r["unit"], f"{rt:.2f}x" if rt is not None else "-"]
        if show_alloc:
            line.append(fmt_num(r["alloc"]) if r["alloc"] is not None else "")
        table.append(line)
    if metadata:
        line = ["MetadataFootprint (tracking+native)", str(metadata["allocationSize"]),
                f"live={metadata['live']}", "1", f"{metadata['metadataBytesPerLive']:.2f}", "", "B/live", "-"]
        if show_alloc:
            line.append("")
        table.append(line)
        line = ["MetadataFootprint (heap delta)", str(metadata["allocationSize"]),
                f"live={metadata['live']}", "1", f"{metadata['heapBytesPerLive']:.2f}", "", "B/live", "-"]
        if show_alloc:
            line.append("")
        table.append(line)
    widths = [max(len(h), *(len(row[i]) for row in table)) if table else len(h) for i, h in enumerate(header)]
    right = {1, 3, 4, 5, 7, 8}

    def render(cells):
        return "  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells))

    print(render(header))
    print("  ".join("-" * w for w in widths))
    for line in table:
        print(render(line))
    print()
    print("ns/op: JMH AverageTime, one allocation and its release per op; error: 99.9 % confidence;")
    print("x naive: score / AllocFree.ffmMallocFree (libc malloc+free via FFM) of the same size and threads.")
    print()

    # ---- goals --------------------------------------------------------------------------------
    goals = []

    def goal(label, value, target, ok, unit="x"):
        if value is None:
            goals.append((label, "n/a", target, "NOT MET (missing)"))
            return
        shown = f"{value:.2f}{unit}" if unit == "x" else f"{value:,.1f} {unit}"
        goals.append((label, shown, target, "MET" if ok(value) else "NOT MET"))

    def div(a, b):
        return a / b if a is not None and b else None

    core64 = find("AllocFree", "safeAllocCore", 64, 1)
    goal("SafeAlloc/naive FFM at 64 B, 1 thread", div(core64, find(*BASELINE, 64, 1)),
         "<= 1.0x", lambda v: v <= 1.0)
    goal("SafeAlloc/naive FFM at 4 KiB, 1 thread",
         div(find("AllocFree", "safeAllocCore", 4096, 1), find(*BASELINE, 4096, 1)), "<= 1.25x", lambda v: v <= 1.25)
    goal("SafeAlloc/naive FFM at 64 B, 2 threads",
         div(find("AllocFree", "safeAllocCore", 64, 2), find(*BASELINE, 64, 2)), "<= 1.5x", lambda v: v <= 1.5)
    netty = [s for s in (find("AllocFree", "nettyPooled", 64, 1), find("AllocFree", "nettyUnpooled", 64, 1))
             if s is not None]
    goal("Netty (faster of pooled/unpooled)/SafeAlloc at 64 B", div(min(netty) if netty else None, core64),
         ">= 3x", lambda v: v >= 3)
    goal("Arrow RootAllocator/SafeAlloc at 64 B", div(find("ArrowAllocFree", "arrowRootAllocator", 64, 1), core64),
         ">= 3x", lambda v: v >= 3)
    goal("ByteBuffer.allocateDirect/SafeAlloc at 64 B", div(find("AllocFree", "allocateDirect", 64, 1), core64),
         ">= 20x", lambda v: v >= 20)
    # The flat-cost goals: both sides timed in the same moments (PairedScaling), not in forks of their own.
    paired = {p: paired_change(find_row("PairedScaling", "safeAllocCore", scaled=p))
              for p in ("live=1000", "live=1000000", "live=1000000;fifo=16", "handlers=100")}
    for label, p in (("scaling 1 -> 1,000,000 live allocations (change)", "live=1000000"),
                     ("scaling 1 -> 100 handlers (change)", "handlers=100")):
        goal(label, paired[p][0] if paired[p] else None, "<= 10 %", lambda v: abs(v) <= 10, unit="%")
    goal("metadata per live allocation (1M x 64 B)", metadata["metadataBytesPerLive"] if metadata else None,
         "<= 32 B", lambda v: v <= 32, unit="B")
    goal("failure path (limit -> FAIL -> exception caught)", find("FailurePath", "limitFail"),
         "<= 2000 ns", lambda v: v <= 2000, unit="ns")

    # Issue 13: SafeAlloc's arenas and the service as a SegmentAllocator (ArenaAllocFree, one run).
    def arena(method):
        return find("ArenaAllocFree", method)
    goal("SafeAlloc confined arena/Arena.ofConfined, 64 B + close", div(arena("safeConfined1"), arena("jdkConfined1")),
         "<= 1.0x", lambda v: v <= 1.0)
    goal("SafeAlloc confined arena/naive FFM, 16 x 64 B per block", div(arena("safeConfined16"), arena("ffmMallocFree16")),
         "<= 1.0x", lambda v: v <= 1.0)
    goal("Arena.ofConfined/SafeAlloc confined arena, 16 x 64 B", div(arena("jdkConfined16"), arena("safeConfined16")),
         ">= 2x", lambda v: v >= 2)
    goal("SafeAlloc shared arena/Arena.ofShared, 64 B + close", div(arena("safeShared1"), arena("jdkShared1")),
         "<= 1.0x", lambda v: v <= 1.0)
    goal("SegmentAllocator.allocate(64)+rFree / rAlloc+rFree", div(arena("segmentAllocatorFree"), arena("rAllocFree")),
         "0.95-1.05x", lambda v: 0.95 <= v <= 1.05)

    fast = find("SafetyModes", "safeAllocCore", safety="FAST")
    checked = find("SafetyModes", "safeAllocCore", safety="CHECKED")
    cost = div(checked, fast)
    if cost is not None:
        print(f"CHECKED safety mode: {cost:.1f}x the cost of FAST (64 B rAlloc + rFree, 1 thread, same run)")
        print()

    separate = {
        "live=1000": div(find("LiveScaling", "safeAllocCore", live=1000), find("LiveScaling", "safeAllocCore", live=1)),
        "live=1000000": div(find("LiveScaling", "safeAllocCore", live=1000000),
                            find("LiveScaling", "safeAllocCore", live=1)),
        "live=1000000;fifo=16": None,
        "handlers=100": div(find("HandlerScaling", "safeAllocCore", handlers=100),
                            find("HandlerScaling", "safeAllocCore", handlers=1)),
    }
    if any(paired.values()):
        print("Flat cost, change against 1 live allocation / 1 handler (64 B rAlloc + rFree):")
        for p in ("live=1000", "live=1000000", "live=1000000;fifo=16", "handlers=100"):
            both = paired[p]
            line = f"  {p.ljust(20)}  paired (same moments) "
            line += f"{both[0]:+6.1f} % (single iterations {both[1]:+.1f} to {both[2]:+.1f} %)" if both else "n/a"
            if separate[p] is not None:
                line += f";  separate forks {(separate[p] - 1) * 100:+6.1f} %"
            print(line)
        print()

    print("Goals" + (" (smoke run: not meaningful)" if args.smoke else "") + ":")
    lw = max(len(g[0]) for g in goals)
    vw = max(len(g[1]) for g in goals)
    tw = max(len(g[2]) for g in goals)
    for label, value, target, verdict in goals:
        print(f"  {label.ljust(lw)}  {value.rjust(vw)}  (goal {target.ljust(tw)})  {verdict}")
    met = sum(1 for g in goals if g[3] == "MET")
    print(f"  {met} of {len(goals)} goals met")
    if metadata:
        print()
        print(f"Metadata: {metadata['trackingBytesPerLive']:.2f} B/live in the live table "
              f"(trackingBytes {metadata['trackingBytes']:,} for {metadata['live']:,} live), "
              f"{metadata['nativeExtraBytesPerLive']:.2f} B/live native header; "
              f"heap delta cross-check {metadata['heapBytesPerLive']:.2f} B/live.")


if __name__ == "__main__":
    main()
