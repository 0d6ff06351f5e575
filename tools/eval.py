"""Evaluation of `ponder ask` on the sets in tools/eval-sets/ (see tools/eval).

Arithmetic: correct when a number in the answer equals the expected value (commas
ignored, decimals compared to 1e-6 relative). Browsing: correct when the answer
contains the expected text (case and thousands separators ignored); the pages are
served on 127.0.0.1 by this script. Plotting: correct when a PNG file was produced.
Game of 24 (game24.jsonl: the puzzles of ranks 1, 31, 61, ..., 871 of the public
4nums.com list, a development set): correct when the answer contains an expression
that uses the four numbers, each once, and equals 24 in exact arithmetic.

Modes: tools, no-tools, and deliberate-N (tools, `--deliberate N`). For deliberate
modes the table adds thoughts per second and how far runs that used their whole
budget went over it.
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


def plotting_correct(item, result):
    for path in result.get("files", []):
        try:
            with open(path, "rb") as file:
                if file.read(8) == b"\x89PNG\r\n\x1a\n":
                    return True
        except OSError:
            pass
    return False


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


def load(name, base):
    with open(os.path.join(SETS, name + ".jsonl"), encoding="utf-8") as file:
        items = [json.loads(line) for line in file if line.strip()]
    for item in items:
        item["question"] = item["question"].replace("{base}", base)
    return items


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ponder", required=True, help="the ponder binary")
    parser.add_argument("--sets", default="arithmetic,browsing,plotting", help="comma-separated: arithmetic, browsing, plotting, game24")
    parser.add_argument("--modes", default="tools,no-tools", help="comma-separated: tools, no-tools, deliberate-N (N seconds)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions of each set")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per question")
    parser.add_argument("--results", help="write every answer as JSON lines to this file")
    parser.add_argument("--show-failures", action="store_true", help="print the questions answered wrongly")
    parser.add_argument("extra", nargs="*", help="more arguments for ponder ask (after --)")
    args = parser.parse_args()

    rows = []
    records = []
    with PageServer() as pages, tempfile.TemporaryDirectory(prefix="ponder-eval-") as scratch:
        for set_name in args.sets.split(","):
            items = load(set_name, pages.base)
            if args.limit:
                items = items[: args.limit]
            for mode in args.modes.split(","):
                correct, steps, seconds, thoughts, overruns = 0, [], [], 0, []
                budget = float(mode.split("-", 1)[1]) if mode.startswith("deliberate-") else None
                for item in items:
                    output_dir = os.path.join(scratch, mode, item["id"])
                    result, elapsed = ask(args.ponder, item["question"], mode, output_dir, args.extra, args.timeout)
                    tree = result.get("tree") or {}
                    thoughts += max(0, len(tree.get("nodes", [])) - 1)
                    if budget is not None and (result.get("stopped_by") or "").startswith("the time budget"):
                        overruns.append(elapsed - budget)
                    ok = SCORERS[set_name](item, result)
                    correct += ok
                    steps.append(len(result.get("steps", [])))
                    seconds.append(elapsed)
                    records.append({"set": set_name, "mode": mode, "id": item["id"], "question": item["question"],
                                    "expected": item["expected"], "correct": ok, "seconds": round(elapsed, 3), "result": result})
                    if args.show_failures and not ok:
                        print(f"  ✗ [{mode}] {item['question']} → {result.get('answer') or result.get('error')!r} "
                              f"(expected {item['expected']}; steps {[s.get('input') for s in result.get('steps', [])]})", file=sys.stderr)
                    print(f"\r{set_name} {mode}: {len(seconds)}/{len(items)}", end="", file=sys.stderr, flush=True)
                print(file=sys.stderr)
                rows.append((set_name, mode, len(items), 100.0 * correct / max(1, len(items)),
                             statistics.mean(steps) if steps else 0, statistics.mean(seconds) if seconds else 0,
                             statistics.median(seconds) if seconds else 0, max(seconds) if seconds else 0,
                             thoughts / sum(seconds) if budget is not None and seconds else None, overruns))
    if args.results:
        with open(args.results, "w", encoding="utf-8") as file:
            for record in records:
                file.write(json.dumps(record, ensure_ascii=False) + "\n")

    print("| set | mode | questions | accuracy | tool calls / question | mean s | median s | max s | thoughts/s | over budget: runs, median, max s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for set_name, mode, count, accuracy, mean_steps, mean_seconds, median_seconds, max_seconds, rate, overruns in rows:
        rate_text = f"{rate:.1f}" if rate is not None else ""
        over_text = f"{len(overruns)}, {statistics.median(overruns):+.2f}, {max(overruns):+.2f}" if overruns else ""
        print(f"| {set_name} | {mode} | {count} | {accuracy:.1f}% | {mean_steps:.2f} | {mean_seconds:.2f} | {median_seconds:.2f} "
              f"| {max_seconds:.2f} | {rate_text} | {over_text} |")


if __name__ == "__main__":
    main()
