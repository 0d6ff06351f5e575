#!/usr/bin/env python3
"""Make the LoRA adapter compatibility fixture: a small random adapter for the
default model, and the logits llama.cpp computes with it applied.

Ponder reads llama.cpp's adapter GGUF (general.type = adapter, adapter.type =
lora, adapter.lora.alpha, tensors blk.N.<matrix>.weight.lora_a of GGML shape
[input, rank] and .lora_b of shape [rank, output]) and applies it at inference
as y += scale * alpha / rank * B (A x). To check both against llama.cpp, this
script writes such a file with the gguf package and records, through
llama-cpp-python's Llama(model_path=..., lora_path=..., lora_scale=...,
logits_all=True), the teacher-forced logits of a few prompts (top-k ids and
values per position) and a short greedy continuation. It also records how far
the adapter moves the base model's logits, so the Swift test can show that a
model without the adapter does not pass.

Outputs (in --out, by default Tests/InferenceTests/Fixtures):
  lora-smollm2-rank4.gguf          the adapter (rank 4, alpha 8; every matrix
                                   kind on every other block, attention pairs
                                   in F32 and feed-forward pairs in F16)
  lora-smollm2-rank4.logits.json   llama.cpp's logits with the adapter at scale
                                   LORA_SCALE, and the settings used

Run with the reference virtualenv (.venv-reference: llama-cpp-python, gguf):
  .venv-reference/bin/python tools/make_lora_fixture.py [--model PATH] [--out DIR]

With --bench-adapter FILE it only writes a rank-16 adapter on every matrix of every
block (F32, about 20 MB, not committed), the one docs/PERFORMANCE.md measures
generation speed with (ponder bench --lora FILE).
Everything comes from fixed seeds; rerunning with the same package versions
rewrites identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import gguf
import llama_cpp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures.llama_runs import N_BATCH, N_THREADS, Runner  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = REPO_ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_OUT = REPO_ROOT / "Tests" / "InferenceTests" / "Fixtures"
ADAPTER_NAME = "lora-smollm2-rank4.gguf"
FIXTURE_NAME = "lora-smollm2-rank4.logits.json"

SEED = 19
RANK = 4
ALPHA = 8.0
LORA_SCALE = 0.75
# Blocks that get pairs: every other one keeps the file under 2 MB.
LAYERS = range(0, 30, 2)
# Standard deviation of B's entries; A's is 1/sqrt(input width). Chosen so the
# adapter moves the logits clearly (see base_difference in the fixture) while
# the model still writes text.
B_STD = 0.25
N_CTX = 128
TOP_K = 10
GREEDY_STEPS = 8
PROMPTS = [
    ("capital", "The capital of France is"),
    ("count", "One, two, three, four,"),
    ("chat", "<|im_start|>user\nName a colour.<|im_end|>\n<|im_start|>assistant\n"),
]
# (target, tensor name, input width, output width, stored type) for SmolLM2-135M.
EMBED, FFN, KV = 576, 1536, 192
MATRICES = [
    ("q", "attn_q", EMBED, EMBED, gguf.GGMLQuantizationType.F32),
    ("k", "attn_k", EMBED, KV, gguf.GGMLQuantizationType.F32),
    ("v", "attn_v", EMBED, KV, gguf.GGMLQuantizationType.F32),
    ("o", "attn_output", EMBED, EMBED, gguf.GGMLQuantizationType.F32),
    ("gate", "ffn_gate", EMBED, FFN, gguf.GGMLQuantizationType.F16),
    ("up", "ffn_up", EMBED, FFN, gguf.GGMLQuantizationType.F16),
    ("down", "ffn_down", FFN, EMBED, gguf.GGMLQuantizationType.F16),
]


def write_adapter(path: Path, rank: int = RANK, layers=LAYERS, all_f32: bool = False) -> None:
    rng = np.random.default_rng(SEED)
    writer = gguf.GGUFWriter(str(path), arch="llama")
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, ALPHA)
    for layer in layers:
        for _, name, n_in, n_out, kind in MATRICES:
            kind = gguf.GGMLQuantizationType.F32 if all_f32 else kind
            dtype = np.float32 if kind == gguf.GGMLQuantizationType.F32 else np.float16
            # numpy shape (rows, columns) is GGML shape [columns, rows]:
            # lora_a [n_in, rank] holds rank rows of n_in; lora_b [rank, n_out] n_out rows of rank.
            a = rng.normal(0, 1 / np.sqrt(n_in), size=(rank, n_in)).astype(dtype)
            b = rng.normal(0, B_STD, size=(n_out, rank)).astype(dtype)
            writer.add_tensor(f"blk.{layer}.{name}.weight.lora_a", a, raw_dtype=kind)
            writer.add_tensor(f"blk.{layer}.{name}.weight.lora_b", b, raw_dtype=kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def load(model: Path, adapter: Path | None) -> Runner:
    extra = {"lora_path": str(adapter), "lora_scale": LORA_SCALE} if adapter else {}
    llm = llama_cpp.Llama(
        model_path=str(model), n_ctx=N_CTX, n_batch=N_BATCH, logits_all=True, n_threads=N_THREADS,
        n_threads_batch=N_THREADS, n_gpu_layers=0, flash_attn=False, seed=0, verbose=False, **extra)
    return Runner(llm, "f16")


def f32(values) -> list[float]:
    return [float(np.float32(v)) for v in values]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--bench-adapter", type=Path, help="only write a rank-16 adapter on every matrix here")
    args = parser.parse_args()
    if args.bench_adapter:
        write_adapter(args.bench_adapter, rank=16, layers=range(30), all_f32=True)
        print(f"wrote {args.bench_adapter} ({args.bench_adapter.stat().st_size} bytes)")
        return
    adapter = args.out / ADAPTER_NAME
    write_adapter(adapter)

    base, tuned = load(args.model, None), load(args.model, adapter)
    records, base_differences = [], []
    for name, text in PROMPTS:
        tokens = tuned.llm.tokenize(text.encode("utf-8"), add_bos=True, special=True)
        logits, steps = tuned.greedy(tokens, GREEDY_STEPS)
        base_logits = base.teacher_forced(tokens)
        positions = []
        for row, base_row in zip(logits, base_logits):
            order = np.argsort(-row, kind="stable")[:TOP_K]
            positions.append({"top_ids": [int(i) for i in order], "top_logits": f32(row[order])})
            base_differences.extend(np.abs(row[order] - base_row[order]).tolist())
        records.append({
            "name": name, "text": text, "tokens": tokens, "positions": positions,
            "greedy": [{"id": s["id"], "logit": float(np.float32(s["logit"])), "runner_up_id": s["runner_up_id"],
                        "runner_up_logit": float(np.float32(s["runner_up_logit"]))} for s in steps],
        })
    fixture = {
        "llama_cpp_python": llama_cpp.__version__,
        "model": args.model.name,
        "model_sha256": sha256(args.model),
        "adapter": ADAPTER_NAME,
        "adapter_sha256": sha256(adapter),
        "rank": RANK, "alpha": ALPHA, "scale": LORA_SCALE, "seed": SEED,
        "settings": tuned.settings(),
        "top_k": TOP_K,
        "base_difference": {"max": float(np.max(base_differences)), "mean": float(np.mean(base_differences))},
        "prompts": records,
    }
    (args.out / FIXTURE_NAME).write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {adapter} ({adapter.stat().st_size} bytes) and {FIXTURE_NAME}; "
          f"the adapter moves the top logits by mean {fixture['base_difference']['mean']:.3f}, "
          f"max {fixture['base_difference']['max']:.3f}")


if __name__ == "__main__":
    main()
