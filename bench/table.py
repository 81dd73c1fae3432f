"""Prints bench/run's results (JSON lines) as the tables of docs/performance.md:
medians of the rounds, with ratios measured in the same run."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1])]
by = defaultdict(list)
for r in rows:
    by[(r["factor"], r["shape"], r["peer"])].append(r)


def med(factor, shape, peer, field="rps"):
    vals = [r[field] for r in by.get((factor, shape, peer), []) if r.get(field) is not None]
    return statistics.median(vals) if vals else None


def fmt(v, digits=0):
    return "-" if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return "-" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def same(factor, shape, peer):
    a, b = by.get((factor, shape, "cccs")), by.get((factor, shape, peer))
    if not a or not b:
        return "-"
    return "yes" if a[0]["sha256"] == b[0]["sha256"] else "no"


names = {"a": "(a) organizations + territories, relations, both ends", "b": "(b) caf-13, two hops",
         "neighborhood": "neighborhood(caf-13, depth 2)",
         "neighborhood-agreement": "neighborhood(cccs-2015-2017, depth 3)", "search": 'search "centre", first 20',
         "geo": "/geo/communes.geojson"}
print("requests per second, medians of the rounds (cccs cache off unless said)\n")
print("| shape (bytes), clients | cccs before | cccs | graphql-jit | graphql-js | raw bytes | cccs cache hit "
      "| cccs/before | cccs/jit | cccs/raw | hit/raw | same bytes as jit, js |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for shape in ["a", "b", "neighborhood", "neighborhood-agreement", "search", "geo"]:
    if (1, shape, "cccs") not in by:
        continue
    first = by[(1, shape, "cccs")][0]
    bf, c, j, js, raw, hit = (med(1, shape, p) for p in ["before", "cccs", "jit", "js", "raw", "cached"])
    print(f"| {names[shape]} ({first['bytes']:,}), c{first['c']} | {fmt(bf)} | {fmt(c)} | {fmt(j)} | {fmt(js)} | {fmt(raw)} "
          f"| {fmt(hit)} | {ratio(c, bf)} | {ratio(c, j)} | {ratio(c, raw)} | {ratio(hit, raw)} "
          f"| {same(1, shape, 'jit')}, {same(1, shape, 'js')} |")
if (1, "b1", "cccs") in by:
    bf, c, j, raw, hit = (med(1, "b1", p, "p50_ms") for p in ["before", "cccs", "jit", "raw", "cached"])
    print(f"| (b) one client: p50 ms | {fmt(bf, 2)} | {fmt(c, 2)} | {fmt(j, 2)} | - | {fmt(raw, 2)} | {fmt(hit, 2)} "
          f"| | | | | |")

factors = sorted({r["factor"] for r in rows})
maps = {"geo": "/geo/communes.geojson", "geo-gzip": "/geo/communes.geojson, gzip",
        "tile": "communes tile z10 (Marseille)"}
if any((f, m, "cccs") in by for f in factors for m in maps):
    print("\nmaps: requests per second, medians (the map answers are kept as bytes; raw bytes: the same bytes "
          "from memory)\n")
    print("| dataset | answer (bytes), clients | cccs before | cccs | raw bytes | cccs/raw | cccs/before "
          "| CPU µs/request: before, cccs, raw | raw/cccs CPU |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for f in factors:
        for m, name in maps.items():
            if (f, m, "cccs") not in by:
                continue
            first = by[(f, m, "cccs")][0]
            bf, c, raw = (med(f, m, p) for p in ["before", "cccs", "raw"])
            cpu = [med(f, m, p, "cpu_ms") for p in ["before", "cccs", "raw"]]
            us = ", ".join(fmt(None if v is None else v * 1000) for v in cpu)
            print(f"| {f}x | {name} ({first['bytes']:,}), c{first['c']} | {fmt(bf)} | {fmt(c)} | {fmt(raw)} "
                  f"| {ratio(c, raw)} | {ratio(c, bf)} | {us} | {ratio(cpu[2], cpu[1])} |")

if len(factors) > 1:
    # per byte, for the neighbourhoods: the ratio of CPU per request divided by the ratio of the answers' bytes
    # (the neighbourhood of caf-13 reaches its 500-node cap at 100x: a larger answer); the other shapes' answers
    # change in content, not in what they cost per byte
    print("\nserver CPU per request (ms), medians, the ratio to 1x, the answer's bytes and the ratio per byte\n")
    print("| shape | peer | " + " | ".join(f"{f}x" for f in factors) + " | " +
          " | ".join(f"{f}x/1x" for f in factors[1:]) + " | " + " | ".join(f"bytes {f}x" for f in factors) + " | " +
          " | ".join(f"{f}x/1x per byte" for f in factors[1:]) + " |")
    print("|---|---|" + "---:|" * (4 * len(factors) - 2))
    for shape in ["a", "b", "neighborhood", "neighborhood-agreement", "search", "geo", "geo-gzip", "tile"]:
        for peer in ["before", "cccs", "jit"]:
            vals = [med(f, shape, peer, "cpu_ms") for f in factors]
            if vals[0] is None:
                continue
            size = [med(f, shape, peer, "bytes") for f in factors]
            per = [None if v is None or n is None or size[0] is None or not shape.startswith("neighborhood")
                   else v / n * size[0] for v, n in zip(vals, size)]
            print(f"| {shape} | {peer} | " + " | ".join(fmt(v, 2) for v in vals) + " | " +
                  " | ".join(ratio(v, vals[0]) for v in vals[1:]) + " | " + " | ".join(fmt(n) for n in size) + " | " +
                  " | ".join(ratio(v, per[0]) for v in per[1:]) + " |")

print("\nresident memory (MB): the largest at the end of a load over the shapes, of it anonymous (Go heap, stacks)"
      " and mapped from files (code, tables), and the peak since the server started\n")
peers = ["before", "cccs", "cached", "jit", "js"]
print("| dataset | measure | " + " | ".join(peers) + " |")
print("|---|---|" + "---:|" * len(peers))
for f in factors:
    for key, label in [("rss_mb", "resident"), ("rss_anon_mb", "anonymous"), ("rss_file_mb", "files"), ("peak_mb", "peak")]:
        def largest(peer):
            vals = [r[key] for (ff, _, pp), rs in by.items() if ff == f and pp == peer for r in rs if key in r]
            return max(vals) if vals else None
        print(f"| {f}x | {label} | " + " | ".join(fmt(largest(p)) for p in peers) + " |")
