"""Bantam's PyTorch worker: runs a Hugging Face model directory (from `bantam export-hf`) with
transformers' AutoModelForCausalLM for the `torch` and `torch-compiled` backends.

Protocol (version 1), one process per session:
  requests   one JSON object per line on stdin, each with "op".
  responses  one JSON object per line on stdout, {"ok": true, ...} or {"ok": false, "error": "Type: message"}.
             A response with "logits_bytes": N is followed by exactly N raw bytes: float32,
             little-endian, row-major [rows][vocab]. Nothing else is ever written to stdout:
             file descriptor 1 is pointed at stderr before anything is imported, so prints of
             torch, transformers or the compiler land on stderr.
  ops
    open         {model_dir, dtype: f32|f16|bf16, device: auto|cuda|cpu, compiled: bool,
                  max_batch, max_len, threads}
                 -> {engine, python, torch, transformers, device, dtype, compiled, vocab}
    prefill      {tokens: [[ids]...]}  equal lengths; starts a new batch -> logits of each last position
    decode       {tokens: [ids]}       one id per sequence                -> their logits
    prefill_all  {tokens: [ids]}       batch of one, appended             -> logits of every position
    warmup       {}                    throw-away work (compilation happens here, not in a timed run)
    memory       {}                    -> {device_bytes}: peak bytes torch allocated on the GPU, -1 on the CPU
    reset        {}                    drops every sequence's cache
    close        {}                    -> {} then exit
End of stdin ends the process too, so a parent that dies takes its worker with it.

The logits leave the GPU as float32 after a synchronize, so the caller's clock around a request
covers the model's work, the copy of the logits to the host and the pipe.

`serve(make_engine)` is the protocol loop; other engines reuse it (the test suite's stub engine,
which replays recorded logits and is not PyTorch, imports it from this file).
"""
import json
import os
import sys

PROTOCOL = 1


def serve(make_engine):
    # keep the real stdout for the protocol; everything else that writes to fd 1 goes to stderr
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    engine = None

    def reply(obj, payload=None):
        if payload is not None:
            obj["logits_bytes"] = len(payload)
        out.write((json.dumps(obj) + "\n").encode("utf-8"))
        if payload is not None:
            out.write(payload)
        out.flush()

    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "open":
                engine = make_engine()
                reply(dict(ok=True, protocol=PROTOCOL, **engine.open(req)))
            elif op == "close":
                reply({"ok": True})
                break
            elif engine is None:
                raise RuntimeError("no model is open (send op 'open' first)")
            elif op in ("prefill", "decode", "prefill_all"):
                rows, vocab, payload = getattr(engine, op)(req["tokens"])
                reply({"ok": True, "rows": rows, "vocab": vocab}, payload)
            elif op == "warmup":
                engine.warmup()
                reply({"ok": True})
            elif op == "memory":
                reply({"ok": True, "device_bytes": engine.memory()})
            elif op == "reset":
                engine.reset()
                reply({"ok": True})
            else:
                raise ValueError("unknown op %r" % (op,))
        except Exception as e:  # one line back to the caller; the worker stays usable
            message = str(e).strip().splitlines()
            reply({"ok": False, "error": type(e).__name__ + (": " + message[0] if message else "")})
    out.flush()


def _equal_lengths(batches):
    lengths = {len(b) for b in batches}
    if len(lengths) != 1:
        raise ValueError("prompts of different lengths %s: this worker runs equal-length batches only" % sorted(lengths))
    return lengths.pop()


class TorchEngine:
    """transformers' model on CUDA when torch sees a GPU (and device is not 'cpu'), else on the CPU.

    eager:    the default dynamic KV cache, every step through the Python model code.
    compiled: a static KV cache per batch size and the decode step compiled with torch.compile
              (fullgraph, mode "reduce-overhead" = CUDA graphs): what transformers' own
              generate(cache_implementation="static") does (cuda/NOTES.md). Prefill stays eager,
              as there, since every prompt length would be a new graph.
    """

    def open(self, req):
        import torch
        import transformers
        self.torch = torch
        dtypes = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}
        if req["dtype"] not in dtypes:
            raise ValueError("dtype %r (expected f32, f16 or bf16)" % req["dtype"])
        self.dtype = dtypes[req["dtype"]]
        want = req.get("device", "auto")
        if want == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("device cuda asked for, but torch sees no GPU")
        self.device = torch.device("cuda" if want != "cpu" and torch.cuda.is_available() else "cpu")
        if self.device.type == "cpu" and req.get("threads"):
            torch.set_num_threads(int(req["threads"]))
        from transformers import AutoModelForCausalLM
        try:
            model = AutoModelForCausalLM.from_pretrained(req["model_dir"], dtype=self.dtype)
        except TypeError:  # transformers 4 names it torch_dtype
            model = AutoModelForCausalLM.from_pretrained(req["model_dir"], torch_dtype=self.dtype)
        self.model = model.to(self.device).eval()
        self.compiled = bool(req.get("compiled"))
        self.max_len = int(req["max_len"])
        self.vocab = int(self.model.config.vocab_size)
        self.past = None
        self.caches = {}
        self.pos = 0
        self.batch = 0
        self.step = None
        if self.compiled:
            self.step = torch.compile(self.model.forward, mode="reduce-overhead", fullgraph=True)
        torch.set_grad_enabled(False)
        name = torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else "cpu"
        return {"engine": "transformers", "python": sys.version.split()[0], "torch": torch.__version__,
                "transformers": transformers.__version__, "device": "%s (%s)" % (self.device, name),
                "dtype": req["dtype"], "compiled": self.compiled, "vocab": self.vocab}

    def _static_cache(self, batch):
        cache = self.caches.get(batch)
        if cache is None:
            from transformers import StaticCache
            try:  # transformers 5: sized lazily by the first update
                cache = StaticCache(config=self.model.config, max_cache_len=self.max_len)
            except TypeError:
                cache = StaticCache(config=self.model.config, max_batch_size=batch, max_cache_len=self.max_len,
                                    device=self.device, dtype=self.dtype)
            self.caches[batch] = cache
        else:
            cache.reset()
        return cache

    def _payload(self, logits):
        if self.device.type == "cuda":
            self.torch.cuda.synchronize()
        return logits.float().cpu().contiguous().numpy().astype("<f4").tobytes()

    def _forward(self, ids, last_only, fn=None):
        torch = self.torch
        positions = torch.arange(self.pos, self.pos + ids.shape[1], device=self.device)
        kwargs = dict(input_ids=ids, past_key_values=self.past, use_cache=True, cache_position=positions,
                      position_ids=positions.unsqueeze(0).expand(ids.shape[0], -1))
        if last_only:
            kwargs["logits_to_keep"] = 1
        out = (fn or self.model)(**kwargs)
        if not self.compiled:
            self.past = out.past_key_values
        self.pos += ids.shape[1]
        return out.logits

    def prefill(self, batches):
        n = _equal_lengths(batches)
        if n + 1 > self.max_len:
            raise ValueError("prompt of %d tokens does not fit the context of %d" % (n, self.max_len))
        self.reset()
        self.batch = len(batches)
        if self.compiled:
            self.past = self._static_cache(self.batch)
        ids = self.torch.tensor(batches, dtype=self.torch.long, device=self.device)
        logits = self._forward(ids, True)[:, -1, :]
        return self.batch, logits.shape[-1], self._payload(logits)

    def decode(self, tokens):
        if len(tokens) != self.batch:
            raise ValueError("%d tokens for a batch of %d" % (len(tokens), self.batch))
        if self.pos + 1 > self.max_len:
            raise ValueError("the context of %d positions is full" % self.max_len)
        ids = self.torch.tensor(tokens, dtype=self.torch.long, device=self.device).unsqueeze(1)
        logits = self._forward(ids, False, self.step)[:, -1, :]
        return self.batch, logits.shape[-1], self._payload(logits)

    def prefill_all(self, tokens):
        if self.batch not in (0, 1):
            raise ValueError("prefill_all appends to a batch of one; reset first")
        if self.pos + len(tokens) > self.max_len:
            raise ValueError("%d more tokens do not fit the context of %d" % (len(tokens), self.max_len))
        if self.batch == 0 and self.compiled:
            self.past = self._static_cache(1)
        self.batch = 1
        ids = self.torch.tensor([tokens], dtype=self.torch.long, device=self.device)
        logits = self._forward(ids, False)[0]
        return logits.shape[0], logits.shape[-1], self._payload(logits)

    def warmup(self):
        n = min(8, self.max_len - 4)
        for _ in range(3 if self.compiled else 1):  # compilation, then CUDA-graph recording
            self.prefill([[1] * n])
            for _ in range(3):
                self.decode([1])
        self.reset()

    def memory(self):
        if self.device.type != "cuda":
            return -1
        return int(self.torch.cuda.max_memory_allocated(self.device))

    def reset(self):
        self.past = None
        self.pos = 0
        self.batch = 0


if __name__ == "__main__":
    serve(TorchEngine)
