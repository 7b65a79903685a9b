"""The table of issue 15 from one run's logs on the GPU machine (issue15-table.sh writes them):
Bantam's CudaSpeed lines, llama-bench's markdown rows, hf_speed.py's lines. A cell whose
measurement is missing (not run, FAILED) reads "—".
  python3 issue15_table.py SPEED_LOG LLAMA_BENCH_LOG HF_LOG  → markdown on stdout
"""
import re
import sys

SPEED = re.compile(r"^(\S+)\.gguf on .*?, batch (\d+),(?: kv \w+,)? pp\d+ \+ tg\d+: prefill (\d+) tok/s, decode ([\d.]+) tok/s \((\d+)% of")
BENCH = re.compile(r"^\|\s*(\w+) (\S+) (.+?)\s*\|.*\|\s*(pp\d+|tg\d+)\s*\|\s*([\d.]+) ± [\d.]+\s*\|$")
HF = re.compile(r"^HF (eager|compiled)\s+(\S+) (\S+) batch (\d+): prefill (\d+) tok/s, decode ([\d.]+) tok/s")


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except OSError:
        return []


# llama-bench's size label of a synth preset where it differs from the preset's name
PRESET_OF_SIZE = {"gpt2-0.1b": "gpt2-124m"}


def bench_model(arch, size, ftype):
    """llama-bench's "llama 1B Q4_K - Medium" → ("llama-1b", "q4_k_m"), as the synth files are named."""
    t = ftype.strip()
    m = re.fullmatch(r"(Q\d_K) - (Small|Medium|Large)", t)
    t = (m.group(1) + "_" + m.group(2)[0]) if m else t
    name = f"{arch.lower()}-{size.lower()}"
    return PRESET_OF_SIZE.get(name, name), t.lower()


def main(speed_log, bench_log, hf_log):
    bantam, llama, hf = {}, {}, {}
    for line in read(speed_log):  # the last line of a (model, batch) wins: a rerun replaces it
        m = SPEED.match(line)
        if m:
            name, batch = m.group(1), int(m.group(2))
            preset, _, ftype = name.rpartition("-")  # llama-1b-q4_k_m → llama-1b, q4_k_m
            bantam[(preset, ftype, batch)] = (int(m.group(3)), float(m.group(4)), int(m.group(5)))
    for line in read(bench_log):
        m = BENCH.match(line)
        if m:
            llama[bench_model(m.group(1), m.group(2), m.group(3)) + (m.group(4)[:2],)] = float(m.group(5))
    for line in read(hf_log):
        m = HF.match(line)
        if m:
            hf[(m.group(1), m.group(2), m.group(3), int(m.group(4)))] = float(m.group(6))

    def num(v, fmt="{:,.0f}"):
        return "—" if v is None else fmt.format(v)

    models = sorted({(p, t) for p, t, _ in bantam} | {(p, t) for p, t, _ in llama}, key=lambda k: (k[0] != "llama-1b", k))
    print("| model | Bantam cuda decode B1 | llama.cpp CUDA tg128 | HF eager B1 | HF compiled B1 | Bantam B4 | HF compiled B4 | Bantam pp512 | llama.cpp pp512 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for preset, ftype in models:
        b1, b4 = bantam.get((preset, ftype, 1)), bantam.get((preset, ftype, 4))
        cells = [
            f"{preset} {ftype.upper()}",
            "—" if b1 is None else f"{b1[1]:,.0f} ({b1[2]}% of roofline)",
            num(llama.get((preset, ftype, "tg"))),
            num(hf.get(("eager", preset, ftype, 1))),
            num(hf.get(("compiled", preset, ftype, 1))),
            "—" if b4 is None else f"{b4[1]:,.0f}",
            num(hf.get(("compiled", preset, ftype, 4))),
            "—" if b1 is None else f"{b1[0]:,.0f}",
            num(llama.get((preset, ftype, "pp"))),
        ]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: issue15_table.py SPEED_LOG LLAMA_BENCH_LOG HF_LOG")
    main(*sys.argv[1:])
