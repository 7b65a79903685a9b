"""STUB torch worker for the test suite. NOT PyTorch: it computes nothing.

It speaks the torch worker's protocol through the shipped worker's own loop (`serve` from
bantam_torch_worker.py, found through BANTAM_TORCH_WORKER_DIR) and answers every logits request
by replaying logits that a test recorded beforehand with Bantam's CPU engine (recording.json
beside this file: {"vocab": V, "sequences": [{"tokens": [...], "logits": base64 float32 [n][V]}]}).
A token sequence that was not recorded is an error, never made-up numbers. What it proves: the
Java backend, the protocol (JSON lines and raw float32 payloads), the export cache and the
study's plumbing; what it cannot prove: anything about PyTorch, which the GPU machine runs.
"""
import base64
import json
import os
import sys

sys.path.insert(0, os.environ["BANTAM_TORCH_WORKER_DIR"])
from bantam_torch_worker import serve, _equal_lengths  # noqa: E402

RECORDING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "recording.json")


class ReplayEngine:
    def open(self, req):
        # the exported model directory must exist and agree with the recording
        with open(os.path.join(req["model_dir"], "config.json")) as f:
            config = json.load(f)
        with open(RECORDING) as f:
            recording = json.load(f)
        self.vocab = recording["vocab"]
        if config["vocab_size"] != self.vocab:
            raise ValueError("recording has vocab %d, the exported config %d" % (self.vocab, config["vocab_size"]))
        row = self.vocab * 4
        self.rows = {}
        for s in recording["sequences"]:
            data = base64.b64decode(s["logits"])
            tokens = s["tokens"]
            for i in range(len(tokens)):
                self.rows.setdefault(tuple(tokens[:i + 1]), data[i * row:(i + 1) * row])
        self.seqs = []
        return {"engine": "stub-replay (recorded logits; not PyTorch)", "python": sys.version.split()[0], "torch": None,
                "transformers": None, "device": "none", "dtype": req["dtype"], "compiled": bool(req.get("compiled")),
                "vocab": self.vocab}

    def _row(self, seq):
        r = self.rows.get(tuple(seq))
        if r is None:
            raise KeyError("no recorded logits after these %d tokens (ending %s)" % (len(seq), seq[-4:]))
        return r

    def prefill(self, batches):
        _equal_lengths(batches)
        self.seqs = [list(b) for b in batches]
        return len(self.seqs), self.vocab, b"".join(self._row(s) for s in self.seqs)

    def decode(self, tokens):
        if len(tokens) != len(self.seqs):
            raise ValueError("%d tokens for a batch of %d" % (len(tokens), len(self.seqs)))
        for s, t in zip(self.seqs, tokens):
            s.append(t)
        return len(self.seqs), self.vocab, b"".join(self._row(s) for s in self.seqs)

    def prefill_all(self, tokens):
        if not self.seqs:
            self.seqs = [[]]
        s, out = self.seqs[0], []
        for t in tokens:
            s.append(t)
            out.append(self._row(s))
        return len(tokens), self.vocab, b"".join(out)

    def warmup(self):
        pass

    def memory(self):
        return -1

    def reset(self):
        self.seqs = []


if __name__ == "__main__":
    serve(ReplayEngine)
