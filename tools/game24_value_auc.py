"""How well the Game of 24 value prompt tells solvable states from unsolvable ones.

Runs `ponder ask --json --deliberate S --value model` on the dev puzzles (uniform
proposals, so the states reached do not depend on the model's preferences), takes
the calibrated value reading of every state the search judged, labels each state
by brute force (game24_solve.py: can the numbers left still make 24?), and prints
the area under the ROC curve (0.5: no better than a coin). Game24Task's
measuredValueAUC holds the result; below 0.6 the search leaves the value out.

    python3 tools/game24_value_auc.py --ponder .build/release/ponder [--limit 10] [--thoughts 40]
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from game24_solve import parse_numbers, solvable  # noqa: E402

LEFT = re.compile(r"\(left: ([^)]*)\)")


def auc(positives, negatives):
    """P(a random positive reads higher than a random negative), ties counted half."""
    if not positives or not negatives:
        return float("nan")
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ponder", required=True)
    parser.add_argument("--limit", type=int, default=0, help="only the first N dev puzzles")
    parser.add_argument("--thoughts", type=int, default=40, help="thoughts per puzzle")
    parser.add_argument("--seconds", type=float, default=60, help="budget per puzzle (a hang guard; the thought count ends each run)")
    args = parser.parse_args()
    with open(os.path.join(HERE, "eval-sets", "game24.jsonl"), encoding="utf-8") as file:
        items = [json.loads(line) for line in file if line.strip()]
    items = [item for item in items if item.get("split", "dev") == "dev"]
    if args.limit:
        items = items[: args.limit]
    readings = {}  # state (sorted numbers left) -> (reading, label)
    for index, item in enumerate(items):
        command = [args.ponder, "ask", "--json", "--deliberate", str(args.seconds), "--value", "model", "--proposer", "uniform",
                   "--max-thoughts", str(args.thoughts), "--seed", str(index), item["question"]]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=args.seconds + 60)
        if completed.returncode != 0:
            print(f"{item['id']}: {completed.stderr.strip()[-200:]}", file=sys.stderr)
            continue
        for node in (json.loads(completed.stdout).get("tree") or {}).get("nodes", []):
            match = LEFT.search(node.get("text", ""))
            if node.get("value") is None or not match:
                continue
            numbers = parse_numbers(match.group(1))
            if len(numbers) < 2:
                continue
            key = " ".join(str(n) for n in sorted(numbers))
            readings[key] = (node["value"], solvable(numbers))
        print(f"\r{index + 1}/{len(items)} puzzles, {len(readings)} states", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    positives = [value for value, label in readings.values() if label]
    negatives = [value for value, label in readings.values() if not label]
    print(f"states: {len(readings)} ({len(positives)} solvable, {len(negatives)} not)")
    if positives and negatives:
        mean = lambda values: sum(values) / len(values)  # noqa: E731
        print(f"mean calibrated reading: solvable {mean(positives):+.3f}, unsolvable {mean(negatives):+.3f}")
    print(f"AUC: {auc(positives, negatives):.3f}")


if __name__ == "__main__":
    main()
