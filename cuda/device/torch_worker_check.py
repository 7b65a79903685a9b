"""On the GPU machine: the torch worker (study/src/main/resources/.../bantam_torch_worker.py)
against transformers' own float64 golden logits of the tiny fixtures, through its line protocol.

  python3 cuda/device/torch_worker_check.py HF_DIR FIXTURE_DIR [HF_DIR FIXTURE_DIR ...]

HF_DIR comes from `bantam export-hf fixtures/tiny/X/X-f32.gguf HF_DIR`; FIXTURE_DIR is
fixtures/tiny/X (golden.json, logits-*.f32). For eager and compiled, f32 and bf16: prefill_all of
every golden case (max |Δ| and argmax agreement against golden), then prefill + decode steps
against the same golden rows (batch 2 of the same prompt, so both rows must agree too).
"""
import json
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "..", "..", "study", "src", "main", "resources", "dev", "bantam", "study", "torch", "bantam_torch_worker.py")


class Worker:
    def __init__(self):
        self.p = subprocess.Popen([sys.executable, "-u", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def call(self, **req):
        self.p.stdin.write((json.dumps(req) + "\n").encode())
        self.p.stdin.flush()
        head = json.loads(self.p.stdout.readline())
        data = None
        if "logits_bytes" in head:
            raw = self.p.stdout.read(head["logits_bytes"])
            data = struct.unpack("<%df" % (len(raw) // 4), raw)
        if not head.get("ok"):
            raise RuntimeError(head.get("error"))
        return head, data

    def close(self):
        try:
            self.call(op="close")
        finally:
            self.p.wait(30)


def rows(values, vocab):
    return [values[i * vocab:(i + 1) * vocab] for i in range(len(values) // vocab)]


def compare(got, want):
    d = max(abs(a - b) for ga, wa in zip(got, want) for a, b in zip(ga, wa))
    agree = sum(1 for ga, wa in zip(got, want) if max(range(len(ga)), key=ga.__getitem__) == max(range(len(wa)), key=wa.__getitem__))
    return d, agree


def check(model_dir, fixture):
    golden = json.load(open(os.path.join(fixture, "golden.json")))
    vocab = golden["vocab_size"]
    failures = 0
    for compiled in (False, True):
        for dtype, tol in (("f32", 1e-3), ("bf16", None)):
            w = Worker()
            try:
                info, _ = w.call(op="open", model_dir=model_dir, dtype=dtype, device="auto", compiled=compiled, max_batch=2, max_len=128, threads=4)
                w.call(op="warmup")
                for case in golden["cases"]:
                    tokens = case["tokens"][:100]
                    raw = open(os.path.join(fixture, case["logits_file"]), "rb").read()
                    want = rows(struct.unpack("<%df" % (len(raw) // 4), raw), vocab)[:len(tokens)]
                    w.call(op="reset")
                    _, got = w.call(op="prefill_all", tokens=tokens)
                    d_all, a_all = compare(rows(got, vocab), want)
                    # prefill of the first half (batch 2), then decode the rest one token at a time
                    half = max(1, len(tokens) // 2)
                    _, p = w.call(op="prefill", tokens=[tokens[:half], tokens[:half]])
                    steps = [rows(p, vocab)]
                    for t in tokens[half:]:
                        _, d = w.call(op="decode", tokens=[t, t])
                        steps.append(rows(d, vocab))
                    inc = [s[0] for s in steps]
                    d_inc, a_inc = compare(inc, want[half - 1:])
                    d_pair, _ = compare([s[1] for s in steps], inc)
                    ok = tol is None or (d_all <= tol and d_inc <= tol and d_pair <= tol)
                    ok = ok and a_all >= len(want) - 1 and a_inc >= len(inc) - 1
                    failures += 0 if ok else 1
                    print("%s %-8s %-4s %-9s prefill_all max|d| %.2e argmax %d/%d | prefill+decode max|d| %.2e argmax %d/%d | batch rows differ %.1e  %s"
                          % (os.path.basename(fixture), "compiled" if compiled else "eager", dtype, case["name"], d_all, a_all, len(want),
                             d_inc, a_inc, len(inc), d_pair, "OK" if ok else "MISMATCH"), flush=True)
                mem, _ = w.call(op="memory")
                print("   %s, torch %s, transformers %s: peak device bytes %d" % (info["device"], info["torch"], info["transformers"], mem["device_bytes"]), flush=True)
            except Exception as e:
                failures += 1
                print("%s %s %s: FAILED %s" % (os.path.basename(fixture), "compiled" if compiled else "eager", dtype, e), flush=True)
            finally:
                w.close()
    return failures


if __name__ == "__main__":
    args = sys.argv[1:]
    total = sum(check(args[i], args[i + 1]) for i in range(0, len(args), 2))
    print("torch worker check: %d mismatch(es)" % total)
    sys.exit(1 if total else 0)
