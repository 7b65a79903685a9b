"""Per-kernel time of one decode step from `ncu --csv --metrics gpu__time_duration.sum` output;
the matrix-vector kernels also per grid (one grid a matrix shape: qkv, o, gate|up, down, lm head)."""
import csv, sys, collections
rows = [r for r in csv.reader(l for l in open(sys.argv[1]) if l.startswith('"'))]
head, body = rows[0], rows[1:]
name, value, unit = head.index("Kernel Name"), head.index("Metric Value"), head.index("Metric Unit")
grid = head.index("Grid Size") if "Grid Size" in head else None
per, shapes = collections.OrderedDict(), collections.OrderedDict()
for r in body:
    v = float(r[value].replace(",", ""))
    v = {"ns": v / 1e3, "nsecond": v / 1e3, "us": v, "usecond": v, "ms": v * 1e3, "msecond": v * 1e3}[r[unit]]  # → µs
    k = r[name].split("(")[0]
    t, n = per.get(k, (0.0, 0))
    per[k] = (t + v, n + 1)
    if grid is not None and "matvec" in k:
        key = (k, r[grid])
        t, n = shapes.get(key, (0.0, 0))
        shapes[key] = (t + v, n + 1)
total = sum(t for t, _ in per.values())
print(f"kernel time of one decode step (ncu gpu__time_duration, each kernel alone): {total:.1f} us in {sum(n for _, n in per.values())} launches")
for k, (t, n) in sorted(per.items(), key=lambda e: -e[1][0]):
    print(f"  {k:16s} {n:4d} launches {t:9.1f} us {100 * t / total:5.1f}%")
if shapes:
    print("matrix-vector launches by grid:")
    for (k, g), (t, n) in sorted(shapes.items(), key=lambda e: -e[1][0]):
        print(f"  {k:16s} grid {g:16s} {n:4d} launches {t:9.1f} us ({t / n:7.1f} us each)")
