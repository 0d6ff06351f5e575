#!/usr/bin/env python3
"""Generate golden forward-pass fixtures for Ponder's inference engine.

Ponder runs GGUF models with its own engine: dequantization, matrix products,
RoPE, attention and sampling are all its own code. To test them against
something independent, this script uses the gguf package (the GGUF format's
reference Python implementation) and llama.cpp (through llama-cpp-python) to
produce expected results, written next to small model files so the Swift
tests need no Python, network access or large downloads.

Outputs (all in --out, by default Tests/InferenceTests/Fixtures/forward):

  dequant-blocks.json
      Random raw blocks of F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1,
      Q4_K, Q5_K and Q6_K data with their float32 dequantization (gguf's
      numpy code, checked bit for bit against ggml's C code).
  tiny-llama-<type>.gguf, tiny-llama-tied-<type>.gguf, tiny-qwen2-<type>.gguf
      Tiny random-weight models (n_embd 256, 272-token vocabulary) written as
      F32 and quantized by llama.cpp: tiny-llama (1 layer, separate output
      matrix) in F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K_M, Q5_K_M
      and Q6_K; tiny-llama-tied (2 layers, tied embeddings) in Q4_0 and
      Q4_K_M; tiny-qwen2 (1 layer, tied, QKV biases) in F16, Q8_0 and Q4_K_M;
      and, in Q4_K_M only, tiny-qwen3 (QK-norm), tiny-phi3 (fused QKV and
      gate|up), tiny-phi3-longrope (long/short RoPE factors, attention
      factor) and tiny-gemma3 (QK-norm, post-norms, GeGLU, a sliding-window
      and a global layer).
  tiny-*.logits.json
      For each of those files: the logits llama.cpp computes at every position
      of two fixed token sequences, plus an exact float64 forward pass of the
      same weights, and the tensor types llama.cpp's quantizer chose.
  gemma3-270m-q4_k_m.logits.json
      The same records for Gemma 3 270M (Q4_K_M, from tools/fetch-gemma3-270m):
      three raw prompts and two chat turns; made when the model is present.
  smollm2-q4_1.logits.json, smollm2-q8_0.logits.json, smollm2-q4_k_m.logits.json
      Teacher-forced top-40 / subset / summary logits and 32 greedy steps for
      six prompts on the default model and on two copies requantized from it.

Inputs:

  --model PATH
      SmolLM2-135M-Instruct.Q4_1.gguf, Ponder's default model, as fetched by
      tools/setup (default: models/SmolLM2-135M-Instruct.Q4_1.gguf in the
      repository). The requantized copies SmolLM2-135M-Instruct.Q8_0.gguf and
      SmolLM2-135M-Instruct.Q4_K_M.gguf are written next to it; they are
      local files (models/ is not committed) that the fixtures identify by
      SHA-256. Only the smollm2 part needs the model.

Everything else is generated from fixed seeds. Run it through
tools/make-forward-fixtures, which sets up the reference virtualenv
(.venv-reference, see tools/reference-env.sh) with pinned versions. Rerunning
with the same package versions rewrites byte-identical files.

This file only reads the command line and runs the parts; the work is done by
the fixtures package next to it: quant_blocks and ggml_native (part A),
tiny_vocab, tiny_models, quantize, llama_runs, numpy_forward and tiny_logits
(the tiny models), smollm2_logits (SmolLM2), and json_layout for the files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from fixtures.gemma3_logits import build_gemma3_fixture
from fixtures.json_layout import write_nested_json
from fixtures.output import log
from fixtures.quant_blocks import dequant_fixture
from fixtures.smollm2_logits import build_smollm2_fixtures
from fixtures.tiny_logits import build_tiny_fixtures

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "Tests" / "InferenceTests" / "Fixtures" / "forward"
DEFAULT_MODEL = REPO_ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_GEMMA3 = REPO_ROOT / "models" / "gemma-3-270m-q4_k_m.gguf"
PARTS = ("dequant", "tiny", "smollm2", "gemma3")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line; the help text explains where inputs come from."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\nEverything else")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="The model is downloaded by tools/setup. A full run takes about a minute on two cores.",
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=DEFAULT_MODEL,
        metavar="PATH",
        help="SmolLM2-135M-Instruct.Q4_1.gguf as fetched by tools/setup "
        "(default: models/SmolLM2-135M-Instruct.Q4_1.gguf in the repository); "
        "the Q8_0 and Q4_K_M copies are written next to it",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help="fixture directory (default: Tests/InferenceTests/Fixtures/forward in the repository)",
    )
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="generate only this part (repeatable): dequant (dequant-blocks.json), "
        "tiny (tiny models and their logits), smollm2 (needs --model)",
    )
    parser.add_argument(
        "--gemma3-model",
        type=Path,
        default=DEFAULT_GEMMA3,
        metavar="PATH",
        help="Gemma 3 270M Q4_K_M as assembled by tools/fetch-gemma3-270m "
        "(default: models/gemma-3-270m-q4_k_m.gguf in the repository)",
    )
    parser.add_argument(
        "--tiny",
        action="append",
        metavar="NAME",
        help="with the tiny part, only this tiny model (repeatable), e.g. tiny-qwen3",
    )
    args = parser.parse_args(argv)
    args.parts = args.only or [part for part in PARTS if part != "gemma3" or args.gemma3_model.is_file()]
    if "smollm2" in args.parts and not args.model.is_file():
        parser.error(f"model not found: {args.model} (run tools/setup, or pass --only dequant --only tiny)")
    return args


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    if "dequant" in args.parts:
        document, notes = dequant_fixture()
        write_nested_json(out / "dequant-blocks.json", document)
        log(f"dequant-blocks.json: {len(document['types'])} types")
        for note in notes:
            log(f"  {note}")

    if "tiny" in args.parts:
        scratch = Path(tempfile.mkdtemp(prefix="ponder-forward-"))
        try:
            build_tiny_fixtures(out, scratch, args.tiny)
        finally:
            shutil.rmtree(scratch)

    if "smollm2" in args.parts:
        build_smollm2_fixtures(args.model.resolve(), out)

    if "gemma3" in args.parts:
        if not args.gemma3_model.is_file():
            log(f"model not found: {args.gemma3_model} (run tools/fetch-gemma3-270m)")
            return 1
        build_gemma3_fixture(args.gemma3_model.resolve(), out)

    log(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
