"""Evaluation of `ponder ask` on the sets in tools/eval-sets/ (see tools/eval).

Every question of the arithmetic, browsing and plotting sets has a split: dev (for
tuning) or test (only for reporting; its question templates are held out from dev).
`--split dev|test|both` picks them; the tables give each set × split × mode, the
accuracy per kind of question and, for the wrong answers, a failure class read from
the `ask --json` steps (no tool call, wrong tool, tool error, wrong URL, invented
operands or wrong value, answer missing the tool's result, fetched but not read, code
error, no figure, figure without the question's numbers, process error or time-out).

Arithmetic: correct when a number in the answer equals the expected value (commas
ignored, decimals compared to 1e-6 relative). Browsing: correct when the answer
contains the expected text (case and thousands separators ignored); the pages are
served on 127.0.0.1 by this script. Plotting: correct when a PNG file was produced
and the code that made it contains every number the question lists (check.data;
functions list none, so a PNG suffices).
Game of 24 (game24.jsonl: the puzzles of ranks 1, 31, 61, ..., 871 of the public
4nums.com list, a development set, no split): correct when the answer contains an
expression that uses the four numbers, each once, and equals 24 in exact arithmetic.

Game of 24 also has dev and test splits now (game24_sets.py writes the set): the
dev puzzles above and eight that need fractions; the test split the other fraction
puzzles and 20 drawn puzzles. Each item's kind is "whole" or "fractions".

Modes: tools, no-tools, and deliberate-N (tools, `--deliberate N`). For deliberate
modes the table adds thoughts per run and per second and how far runs that used
their whole budget went over it. `--seeds K` runs every question K times (`--seed`
0..K-1, for the search's proposals); accuracies then come with a 95% Wilson
interval over the runs (runs of one puzzle are not independent: read it as a
lower bound on the uncertainty). Deliberation's evaluation switches go after `--`:
    tools/eval --sets game24 --split dev --modes deliberate-30 --seeds 3 -- --proposer uniform --value none
"""
import ast
import argparse
import functools
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = os.path.join(HERE, "eval-sets")
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def numbers_in(text):
    values = []
    for match in NUMBER.findall(text):
        try:
            values.append(float(match.replace(",", "")))
        except ValueError:
            pass
    return values


def arithmetic_correct(item, result):
    expected = float(item["expected"])
    return any(abs(value - expected) <= 1e-6 * max(1.0, abs(expected)) for value in numbers_in(result.get("answer", "")))


def normalized(text):
    return re.sub(r"(?<=\d),(?=\d)", "", text).lower()


def browsing_correct(item, result):
    return normalized(item["expected"]) in normalized(result.get("answer", ""))


def png_produced(result):
    for path in result.get("files", []):
        try:
            with open(path, "rb") as file:
                if file.read(8) == b"\x89PNG\r\n\x1a\n":
                    return True
        except OSError:
            pass
    return False


def figure_has_data(item, result):
    """Whether the code of a run that saved a figure holds every number the question lists."""
    wanted = (item.get("check") or {}).get("data") or []
    if not wanted:
        return True
    for step in result.get("steps", []):
        if step.get("tool") == "python" and step.get("ok") and step.get("files"):
            present = set(numbers_in(step.get("input", "")))
            if all(float(value) in present for value in wanted):
                return True
    return False


def plotting_correct(item, result):
    return png_produced(result) and figure_has_data(item, result)


EXPRESSION = re.compile(r"[\d(][\d\s+\-*/×÷x().]*[\d)]")


def exact_value(node):
    """The exact value of an arithmetic expression tree (numbers, + - * /), or None."""
    if isinstance(node, ast.Expression):
        return exact_value(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return Fraction(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = exact_value(node.operand)
        return None if value is None else -value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        left, right = exact_value(node.left), exact_value(node.right)
        if left is None or right is None or (isinstance(node.op, ast.Div) and right == 0):
            return None
        return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}.get(type(node.op)) \
            if not isinstance(node.op, ast.Div) else left / right
    return None


def game24_correct(item, result):
    for candidate in EXPRESSION.findall(result.get("answer", "")):
        text = candidate.replace("×", "*").replace("÷", "/").replace("x", "*")
        if sorted(int(n) for n in re.findall(r"\d+", text)) != sorted(item["numbers"]) or "." in text:
            continue
        try:
            value = exact_value(ast.parse(text, mode="eval"))
        except SyntaxError:
            continue
        if value == 24:
            return True
    return False


SCORERS = {"arithmetic": arithmetic_correct, "browsing": browsing_correct, "plotting": plotting_correct, "game24": game24_correct}
EXPECTED_TOOL = {"arithmetic": "calc", "browsing": "fetch", "plotting": "python"}


def failure_class(set_name, item, result):
    """Why an answer was wrong, read from the steps of `ask --json`."""
    if result.get("error"):
        return "time-out" if result["error"] == "timed out" else "process error"
    steps = result.get("steps", [])
    tool = EXPECTED_TOOL.get(set_name)
    if tool is None:
        return "wrong answer"
    if not steps:
        return "no tool call"
    own = [step for step in steps if step.get("tool") == tool]
    if not own:
        return "wrong tool"
    worked = [step for step in own if step.get("ok")]
    if set_name == "arithmetic":
        if not worked:
            return "tool error"
        expected = float(item["expected"])
        if any(abs(value - expected) <= 1e-6 * max(1.0, abs(expected)) for step in worked for value in numbers_in(step.get("output", ""))):
            return "answer missing the tool's result"
        return "invented operands or wrong value"
    if set_name == "browsing":
        page = (item.get("check") or {}).get("page")
        if page and not any(step.get("input", "").strip().endswith("/" + page) for step in own):
            return "wrong URL"
        if not worked:
            return "tool error"
        if not any(normalized(item["expected"]) in normalized(step.get("output", "")) for step in worked):
            return "fact not in the fetched text"
        return "fetched but not read"
    if set_name == "plotting":
        if png_produced(result):
            return "figure without the question's numbers"
        return "no figure" if worked else "code error"
    return "wrong answer"


def mode_arguments(mode):
    """ponder ask arguments of a mode: tools, no-tools or deliberate-N."""
    if mode == "tools":
        return []
    if mode == "no-tools":
        return ["--no-tools"]
    if mode.startswith("deliberate-"):
        return ["--deliberate", mode.split("-", 1)[1]]
    raise SystemExit(f"unknown mode {mode!r} (tools, no-tools, deliberate-N)")


class PageServer:
    """Serves tools/eval-sets/pages on 127.0.0.1 (a free port) in a thread."""

    def __enter__(self):
        handler = functools.partial(QuietHandler, directory=os.path.join(SETS, "pages"))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def ask(ponder, question, mode, output_dir, extra, timeout):
    command = [ponder, "ask", "--json", "--allow-private", "--output-dir", output_dir] + mode_arguments(mode) + extra
    command.append(question)
    started = time.monotonic()
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"answer": "", "error": "timed out", "steps": []}, time.monotonic() - started
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        return {"answer": "", "error": completed.stderr.strip()[-300:], "steps": []}, elapsed
    try:
        return json.loads(completed.stdout), elapsed
    except json.JSONDecodeError:
        return {"answer": "", "error": "not JSON: " + completed.stdout[:200], "steps": []}, elapsed


def load(name, base, split):
    """The questions of one set and split (a set without splits, like game24, counts as dev)."""
    with open(os.path.join(SETS, name + ".jsonl"), encoding="utf-8") as file:
        items = [json.loads(line) for line in file if line.strip()]
    items = [item for item in items if item.get("split", "dev") == split]
    for item in items:
        item["question"] = item["question"].replace("{base}", base)
    return items


def wilson(correct, count, z=1.96):
    """The 95% Wilson score interval of a proportion, as (low, high)."""
    if count == 0:
        return 0.0, 0.0
    p = correct / count
    centre = (p + z * z / (2 * count)) / (1 + z * z / count)
    half = z * ((p * (1 - p) / count + z * z / (4 * count * count)) ** 0.5) / (1 + z * z / count)
    return max(0.0, centre - half), min(1.0, centre + half)


def percent(correct, count):
    return f"{100.0 * correct / count:.1f}% ({correct}/{count})" if count else ""


def print_breakdowns(records, columns):
    """Accuracy per kind, and the failure classes of the wrong answers, one column per split × mode."""
    header = " | ".join(f"{split} {mode}" for split, mode in columns)
    print(f"\n| set | kind | {header} |")
    print("|---|---|" + "---:|" * len(columns))
    kinds = sorted({(r["set"], r["kind"]) for r in records}, key=lambda key: (key[0], key[1]))
    for set_name, kind in kinds:
        cells = []
        for split, mode in columns:
            chosen = [r for r in records if (r["set"], r["kind"], r["split"], r["mode"]) == (set_name, kind, split, mode)]
            cells.append(percent(sum(r["correct"] for r in chosen), len(chosen)))
        print(f"| {set_name} | {kind} | " + " | ".join(cells) + " |")
    failures = [r for r in records if not r["correct"]]
    if not failures:
        return
    print(f"\n| set | failure class | {header} |")
    print("|---|---|" + "---:|" * len(columns))
    classes = sorted({(r["set"], r["failure"]) for r in failures})
    for set_name, failure in classes:
        cells = [str(sum(1 for r in failures if (r["set"], r["failure"], r["split"], r["mode"]) == (set_name, failure, split, mode)) or "")
                 for split, mode in columns]
        print(f"| {set_name} | {failure} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ponder", required=True, help="the ponder binary")
    parser.add_argument("--sets", default="arithmetic,browsing,plotting", help="comma-separated: arithmetic, browsing, plotting, game24")
    parser.add_argument("--modes", default="tools,no-tools", help="comma-separated: tools, no-tools, deliberate-N (N seconds)")
    parser.add_argument("--split", default="both", choices=["dev", "test", "both"], help="dev (tuning), test (reporting) or both")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions of each set and split")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N questions of each set and split (with --limit: a slice)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per question")
    parser.add_argument("--results", help="write every answer as JSON lines to this file")
    parser.add_argument("--show-failures", action="store_true", help="print the questions answered wrongly")
    parser.add_argument("--seeds", type=int, default=1, help="runs per question, with --seed 0..K-1 (deliberation's proposals)")
    parser.add_argument("--first-seed", type=int, default=0, help="the first of the K seeds")
    parser.add_argument("extra", nargs="*", help="more arguments for ponder ask (after --)")
    args = parser.parse_args()

    rows = []
    records = []
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    modes = args.modes.split(",")
    with PageServer() as pages, tempfile.TemporaryDirectory(prefix="ponder-eval-") as scratch:
        for set_name in args.sets.split(","):
            for split in splits:
                items = load(set_name, pages.base, split)
                items = items[args.skip:]
                if args.limit:
                    items = items[: args.limit]
                if not items:
                    continue
                for mode in modes:
                    correct, steps, seconds, thoughts, overruns = 0, [], [], 0, []
                    budget = float(mode.split("-", 1)[1]) if mode.startswith("deliberate-") else None
                    runs = [(item, seed) for item in items for seed in range(args.first_seed, args.first_seed + args.seeds)]
                    for item, seed in runs:
                        output_dir = os.path.join(scratch, mode, item["id"], str(seed))
                        extra = args.extra + (["--seed", str(seed)] if args.seeds > 1 or args.first_seed else [])
                        result, elapsed = ask(args.ponder, item["question"], mode, output_dir, extra, args.timeout)
                        tree = result.get("tree") or {}
                        thoughts += max(0, len(tree.get("nodes", [])) - 1)
                        if budget is not None and (result.get("stopped_by") or "").startswith("the time budget"):
                            overruns.append(elapsed - budget)
                        ok = SCORERS[set_name](item, result)
                        correct += ok
                        steps.append(len(result.get("steps", [])))
                        seconds.append(elapsed)
                        failure = None if ok else failure_class(set_name, item, result)
                        records.append({"set": set_name, "split": split, "mode": mode, "id": item["id"], "seed": seed, "kind": item.get("kind", set_name),
                                        "question": item["question"], "expected": item["expected"], "correct": ok, "failure": failure,
                                        "seconds": round(elapsed, 3), "result": result})
                        if args.show_failures and not ok:
                            print(f"  ✗ [{split} {mode}] {failure}: {item['question']} → {result.get('answer') or result.get('error')!r} "
                                  f"(expected {item['expected']}; steps {[s.get('input') for s in result.get('steps', [])]})", file=sys.stderr)
                        print(f"\r{set_name} {split} {mode}: {len(seconds)}/{len(runs)}", end="", file=sys.stderr, flush=True)
                    print(file=sys.stderr)
                    rows.append((set_name, split, mode, len(runs), correct,
                                 statistics.mean(steps) if steps else 0, statistics.mean(seconds) if seconds else 0,
                                 statistics.median(seconds) if seconds else 0, max(seconds) if seconds else 0,
                                 thoughts / sum(seconds) if budget is not None and seconds else None, overruns,
                                 thoughts / len(runs) if budget is not None and runs else None))
    if args.results:
        with open(args.results, "w", encoding="utf-8") as file:
            for record in records:
                file.write(json.dumps(record, ensure_ascii=False) + "\n")

    print("| set | split | mode | runs | accuracy | 95% interval | tool calls / question | mean s | median s | max s | thoughts / run "
          "| thoughts/s | over budget: runs, median, max s |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for set_name, split, mode, count, correct, mean_steps, mean_seconds, median_seconds, max_seconds, rate, overruns, per_run in rows:
        accuracy = 100.0 * correct / max(1, count)
        low, high = wilson(correct, count)
        rate_text = f"{rate:.1f}" if rate is not None else ""
        per_run_text = f"{per_run:.0f}" if per_run is not None else ""
        over_text = f"{len(overruns)}, {statistics.median(overruns):+.2f}, {max(overruns):+.2f}" if overruns else ""
        print(f"| {set_name} | {split} | {mode} | {count} | {accuracy:.1f}% | {100 * low:.0f}–{100 * high:.0f}% | {mean_steps:.2f} "
              f"| {mean_seconds:.2f} | {median_seconds:.2f} | {max_seconds:.2f} | {per_run_text} | {rate_text} | {over_text} |")
    print_breakdowns(records, [(split, mode) for mode in modes for split in splits])

if __name__ == "__main__":
    main()
