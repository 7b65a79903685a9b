"""Hugging Face transformers on the same GPU, for comparison with Bantam's cuda backend.

Randomly initialised models of the synth shapes (speed does not depend on weight values):
gpt2-124m in float16 and llama-1b (Llama 3.2 1B) in bfloat16. For each, batch 1 and 4, a
512-token random prompt and 128 greedy decode steps (min_new_tokens forces all 128):
  eager     model.generate, dynamic cache
  compiled  generate(cache_implementation="static"): transformers then compiles the decode step
            itself (torch.compile, fullgraph, mode "reduce-overhead" = CUDA graphs)
prefill tok/s = B·512 / time(generate 1 new token); decode tok/s = B·128 / (time(129 new) − time(1 new)).
Median of 3 timed runs after 2 warm-ups. One line per result on stdout.
"""
import os, sys, time, statistics
import torch
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

PROMPT, GEN, REPS = 512, 128, 3
torch.manual_seed(0)
dev = "cuda"


def models():
    yield "gpt2-124m f16", lambda: GPT2LMHeadModel(GPT2Config(n_embd=768, n_layer=12, n_head=12, n_inner=3072, vocab_size=50257,
                                                             n_positions=1024)).to(dev, torch.float16)
    yield "llama-1b bf16", lambda: LlamaForCausalLM(LlamaConfig(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
                                                                num_attention_heads=32, num_key_value_heads=8, head_dim=64,
                                                                vocab_size=128256, max_position_embeddings=131072,
                                                                rope_theta=500000.0, tie_word_embeddings=True)).to(dev, torch.bfloat16)


def timed(fn):
    torch.cuda.synchronize()
    t = time.perf_counter()
    fn()
    torch.cuda.synchronize()
    return time.perf_counter() - t


def measure(model, batch, **kw):
    ids = torch.randint(0, model.config.vocab_size, (batch, PROMPT), device=dev)
    mask = torch.ones_like(ids)
    def gen(n):
        return lambda: model.generate(ids, attention_mask=mask, max_new_tokens=n, min_new_tokens=n, do_sample=False,
                                      pad_token_id=0, **kw)
    for _ in range(2):
        gen(GEN + 1)()
        gen(1)()
    one = statistics.median(timed(gen(1)) for _ in range(REPS))
    full = statistics.median(timed(gen(GEN + 1)) for _ in range(REPS))
    return batch * PROMPT / one, batch * GEN / (full - one)


def main():
    which = sys.argv[1:] or ["eager", "compiled"]
    print(f"torch {torch.__version__}, transformers {__import__('transformers').__version__}, {torch.cuda.get_device_name()}", flush=True)
    x = torch.empty(1 << 29, dtype=torch.float32, device=dev)  # 2 GiB
    y = torch.empty_like(x)
    for _ in range(3): y.copy_(x)
    t = min(timed(lambda: y.copy_(x)) for _ in range(5))
    print(f"torch copy bandwidth (2 GiB, read + write): {2 * x.numel() * 4 / t / 1e9:.0f} GB/s", flush=True)
    del x, y
    for name, make in models():
        model = make().eval()
        for mode in which:
            for batch in (1, 4):
                t0 = time.perf_counter()
                kw = {"cache_implementation": "static"} if mode == "compiled" else {}
                try:
                    with torch.inference_mode():
                        pre, dec = measure(model, batch, **kw)
                    compiled = hasattr(model, "_compiled_call") or "_compiled_call" in model.__dict__
                    print(f"HF {mode:8s} {name} batch {batch}: prefill {pre:.0f} tok/s, decode {dec:.1f} tok/s [compiled forward: {compiled}] "
                          f"({time.perf_counter() - t0:.0f} s incl. warm-up)", flush=True)
                except Exception as e:
                    print(f"HF {mode:8s} {name} batch {batch}: FAILED {type(e).__name__}: {str(e).splitlines()[0][:200]}", flush=True)
        del model
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
