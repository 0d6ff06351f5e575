#!/usr/bin/env python3
"""Generate golden tokenizer and chat-template fixtures for Ponder's tests.

Ponder implements its own tokenizers (SentencePiece and byte-level BPE) and its
own chat-template rendering. To test them against something independent, this
script asks llama.cpp (through the llama-cpp-python bindings) to tokenize a
fixed set of strings, and jinja2 (configured like Hugging Face transformers and
llama-cpp-python) to render chat templates. The results are written as JSON next
to small vocab-only GGUF files, so the Swift tests never need Python, network
access or large downloads.

Outputs (all in --out, by default Tests/InferenceTests/Fixtures):

  vocab-llama-spm.gguf, vocab-llama-bpe.gguf, vocab-qwen2.gguf
      Vocab-only GGUF files trimmed from the test vocabularies that ship with
      llama.cpp, small enough to commit. Trimming keeps the tokenizer
      algorithms' interesting paths alive (byte fallback, merges, special
      tokens) while dropping most of the vocabulary.
  tokenizer-strings.json
      The test strings: curated edge cases plus seeded random mixtures.
  tokenizer-smollm2.json, tokenizer-llama-spm.json, tokenizer-llama-bpe.json,
  tokenizer-qwen2.json
      For every test string, the token ids llama.cpp produces (BOS added when
      the vocabulary asks for it; special-token text parsed or not) and the
      text llama-cpp-python's Llama.detokenize gives back for those ids.
      Note that Llama.detokenize is not llama.cpp's llama_detokenize: it
      concatenates per-token pieces (control tokens only when special is
      true), then drops one leading space if the ids start with BOS, for every
      vocabulary. It applies no clean_up_tokenization_spaces rules.
  chat-templates.json
      Rendered chat templates for several message sets, plus the token ids of
      the rendering where a matching vocabulary is available. Most templates
      come from the inputs below; Meta's Llama 2 chat template, which they
      lack, is written out in fixtures/chat_templates.py.

Inputs:

  --llama-cpp-src DIR
      The llama.cpp source tree vendored in the llama-cpp-python source
      distribution; it holds the test vocabularies (models/ggml-vocab-*.gguf),
      real-world chat templates (models/templates/*.jinja) and
      tests/test-chat-template.cpp. Obtain it with:

          pip download --no-deps --no-binary llama-cpp-python llama-cpp-python==0.3.36
          tar xzf llama_cpp_python-0.3.36.tar.gz

      and pass e.g. ~/src/llama_cpp_python-0.3.36/vendor/llama.cpp. Use the
      same version as the installed llama-cpp-python so that the vocabularies
      match the tokenizer code that reads them.
  --model PATH
      SmolLM2-135M-Instruct.Q4_1.gguf, Ponder's default model, as fetched by
      tools/setup (default: models/SmolLM2-135M-Instruct.Q4_1.gguf in the
      repository).

Run it through tools/make-tokenizer-fixtures, which creates the reference
virtualenv (.venv-reference, see tools/reference-env.sh) with pinned versions
when it is missing.

The script is deterministic: rerunning it with the same inputs and package
versions rewrites byte-identical files.

This file only reads the command line and runs the steps in order; the work
is done by the fixtures package next to it (see fixtures/__init__.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from fixtures.chat_cases import chat_template_cases
from fixtures.chat_templates import templates
from fixtures.output import log, write_json
from fixtures.reference import load_vocab_only
from fixtures.test_strings import test_strings
from fixtures.tokenizer_cases import write_tokenizer_fixture
from fixtures.vocab_trim import TRIMMED_VOCABS, build_trimmed_vocabs

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "Tests" / "InferenceTests" / "Fixtures"
DEFAULT_MODEL = REPO_ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line; the help text explains where inputs come from."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=(
            "Get the llama.cpp tree with: pip download --no-deps --no-binary "
            "llama-cpp-python llama-cpp-python==0.3.36 && tar xzf "
            "llama_cpp_python-0.3.36.tar.gz, then pass e.g. "
            "--llama-cpp-src ~/src/llama_cpp_python-0.3.36/vendor/llama.cpp. "
            "The model is downloaded by tools/setup."
        ),
    )
    parser.add_argument(
        "--llama-cpp-src",
        required=True,
        type=Path,
        metavar="DIR",
        help="vendor/llama.cpp directory of the unpacked llama-cpp-python sdist "
        "(contains models/ggml-vocab-*.gguf and models/templates/)",
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=DEFAULT_MODEL,
        metavar="PATH",
        help="SmolLM2-135M-Instruct.Q4_1.gguf as fetched by tools/setup "
        "(default: models/SmolLM2-135M-Instruct.Q4_1.gguf in the repository)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help="fixture directory (default: Tests/InferenceTests/Fixtures in the repository)",
    )
    args = parser.parse_args(argv)
    for path, what in ((args.llama_cpp_src / "models", "directory"), (args.model, "file")):
        if not path.exists():
            parser.error(f"{what} not found: {path}")
    return args


def main(argv: Sequence[str]) -> int:
    """Write the test strings, trimmed vocabularies, tokenizer and chat-template fixtures.

    The trimmed vocabularies must exist before they are loaded as tokenizers,
    and they keep every special token the strings and templates mention.
    """
    args = parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    strings = test_strings()
    write_json(out / "tokenizer-strings.json", strings)
    log(f"tokenizer-strings.json: {len(strings)} strings")

    smollm = load_vocab_only(args.model)
    templates_under_test = templates(args.llama_cpp_src, args.model, smollm)

    build_trimmed_vocabs(args.llama_cpp_src, out, strings + [t.text for t in templates_under_test])

    tokenizers = {args.model.name: smollm}
    tokenizers.update({spec.output: load_vocab_only(out / spec.output) for spec in TRIMMED_VOCABS})

    write_tokenizer_fixture(out / "tokenizer-smollm2.json", args.model.name, smollm, strings)
    for spec in TRIMMED_VOCABS:
        write_tokenizer_fixture(out / spec.fixture, spec.output, tokenizers[spec.output], strings)

    cases, skipped = chat_template_cases(templates_under_test, tokenizers)
    write_json(out / "chat-templates.json", cases)
    log(f"chat-templates.json: {len(cases)} cases")
    for reason in skipped:
        log(f"  skipped {reason}")

    for llm in tokenizers.values():
        llm.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
