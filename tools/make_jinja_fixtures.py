"""Render real chat templates with Python's jinja2 as transformers does, for Ponder's Jinja tests.

Ponder renders a model's `tokenizer.chat_template` with its own Jinja interpreter.
To test it against something independent, this script renders the chat templates
llama.cpp ships (models/templates/*.jinja in the llama.cpp tree vendored by the
llama-cpp-python source distribution) with jinja2, in the environment
transformers' `apply_chat_template` uses: an immutable sandbox with
`trim_blocks` and `lstrip_blocks`, the `loopcontrols` extension, a `tojson`
that keeps non-ASCII characters, `raise_exception` and `strftime_now` (here at
a fixed time, written into the fixture, so that renders are repeatable).

Each template is rendered for several conversations (each case carries the
bos/eos text its tokenizer would give): a user turn; system, user
and assistant turns; no generation prompt; tool definitions; a tool call and
its result; non-ASCII text, quotes and newlines; and `enable_thinking` off.
A case whose render raises (a template that refuses a conversation) records
the error instead, and Ponder must refuse it too.

Output: Tests/InferenceTests/Fixtures/jinja-templates.json. The script is
deterministic: the same inputs and jinja2 version write the same file.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "Tests" / "InferenceTests" / "Fixtures" / "jinja-templates.json"
# 2025-12-03 00:00 UTC: what strftime_now formats.
FIXED_TIME = 1764720000

# The special tokens each family's tokenizer gives the template (matched on the file name).
SPECIAL_TOKENS = [
    ("llama-3", "<|begin_of_text|>", "<|eot_id|>"),
    ("hermes", "<|begin_of_text|>", "<|eot_id|>"),
    ("deepseek-r1-distill-llama", "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"),
    ("deepseek", "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"),
    ("qwen", "", "<|im_end|>"),
    ("gemma", "<bos>", "<eos>"),
    ("phi", "<s>", "<|endoftext|>"),
    ("granite", "", "<|end_of_text|>"),
    ("smollm", "<|im_start|>", "<|im_end|>"),
]

# Tool definitions with their keys sorted at every level, as `ponder serve` passes a
# request's tools to a template (it keeps JSON objects with sorted keys).
WEATHER_TOOL = {
    "function": {
        "description": "Get the current weather in a city.",
        "name": "get_weather",
        "parameters": {
            "properties": {
                "city": {"description": "The city, e.g. Paris", "type": "string"},
                "unit": {"enum": ["celsius", "fahrenheit"], "type": "string"},
            },
            "required": ["city"],
            "type": "object",
        },
    },
    "type": "function",
}
CALC_TOOL = {
    "function": {
        "description": "Evaluate an arithmetic expression exactly.",
        "name": "calculator",
        "parameters": {
            "properties": {"digits": {"default": 10, "type": "integer"}, "expression": {"type": "string"}},
            "required": ["expression"],
            "type": "object",
        },
    },
    "type": "function",
}

CONVERSATIONS = {
    "user": {"messages": [{"role": "user", "content": "What is 24*78?"}], "add_generation_prompt": True},
    "system-turns": {
        "messages": [
            {"role": "system", "content": "You are a careful assistant."},
            {"role": "user", "content": "Hello!"},
            {"role": "assistant", "content": "Hi. How can I help?"},
            {"role": "user", "content": "Name a prime number."},
        ],
        "add_generation_prompt": True,
    },
    "no-generation-prompt": {
        "messages": [
            {"role": "user", "content": "Say yes."},
            {"role": "assistant", "content": "Yes."},
        ],
        "add_generation_prompt": False,
    },
    "tools": {
        "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        "tools": [WEATHER_TOOL, CALC_TOOL],
        "add_generation_prompt": True,
    },
    "tool-call": {
        "messages": [
            {"role": "system", "content": "Use tools when they help."},
            {"role": "user", "content": "What is 24*78?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "calculator", "arguments": {"expression": "24*78"}},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "name": "calculator", "content": "1872"},
        ],
        "tools": [CALC_TOOL],
        "add_generation_prompt": True,
    },
    "unicode": {
        "messages": [
            {"role": "system", "content": "Réponds en français.\nSois bref."},
            {"role": "user", "content": "Qu'est-ce que « 東京 » ? Say \"hi\" \\ 🙂\tend"},
        ],
        "add_generation_prompt": True,
    },
    "thinking-off": {
        "messages": [{"role": "user", "content": "Think less."}],
        "add_generation_prompt": True,
        "enable_thinking": False,
    },
}


class GenerationTag(Extension):
    """transformers' {% generation %} block: prints its body (the tracking is not needed here)."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.Scope(body, lineno=lineno)


def environment() -> ImmutableSandboxedEnvironment:
    """The jinja2 environment transformers' apply_chat_template renders in."""

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.fromtimestamp(FIXED_TIME, tz=timezone.utc).strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[GenerationTag, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def special_tokens(name: str) -> tuple[str, str]:
    lowered = name.lower()
    for key, bos, eos in SPECIAL_TOKENS:
        if key in lowered:
            return bos, eos
    return "<s>", "</s>"


def cases_for(env, name: str, source: str) -> list[dict]:
    """The renders of template `name` for every conversation (or the error it raises)."""
    bos, eos = special_tokens(name)
    template = env.from_string(source)
    cases = []
    for conversation, variables in CONVERSATIONS.items():
        case = {"template": name, "conversation": conversation, "bos_token": bos, "eos_token": eos}
        try:
            case["rendered"] = template.render(**variables, bos_token=bos, eos_token=eos)
        except Exception as error:  # the template refuses the conversation
            case["error"] = f"{type(error).__name__}: {error}"
        cases.append(case)
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llama-cpp-src", required=True, type=Path, metavar="DIR",
                        help="vendor/llama.cpp of the unpacked llama-cpp-python 0.3.36 sdist (has models/templates/)")
    parser.add_argument("--smollm2-template", type=Path, metavar="FILE",
                        help="SmolLM2's own template (tokenizer.chat_template of the default model), as text")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    env = environment()
    sources = {path.stem: path.read_text(encoding="utf-8") for path in sorted((args.llama_cpp_src / "models" / "templates").glob("*.jinja"))}
    if args.smollm2_template:
        sources["HuggingFaceTB-SmolLM2-135M-Instruct"] = args.smollm2_template.read_text(encoding="utf-8")
    cases = []
    for name, source in sorted(sources.items()):
        cases += cases_for(env, name, source)
    fixture = {
        "jinja2": jinja2.__version__,
        "now": FIXED_TIME,
        "templates": dict(sorted(sources.items())),
        "conversations": CONVERSATIONS,
        "cases": cases,
    }
    args.out.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    rendered = sum("rendered" in case for case in cases)
    print(f"{args.out}: {len(sources)} templates, {len(cases)} cases ({rendered} rendered, {len(cases) - rendered} refused)")


if __name__ == "__main__":
    main()
