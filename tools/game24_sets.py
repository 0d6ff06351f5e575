"""Writes tools/eval-sets/game24.jsonl: the Game of 24 evaluation set, dev and test.

dev: the puzzles of ranks 1, 31, 61, ..., 871 of the public 4nums.com list (kept
as they were), and eight of the sixteen puzzles of numbers 1-13 that can only be
solved through a fraction (found by the brute force of game24_solve.py).
test: the other fraction puzzles but the one the prompt's examples use (1 5 5 5),
and 20 puzzles drawn with a fixed seed from the other solvable ones of 1-13.
Every item has its kind: "whole" (solvable with whole intermediates) or "fractions".

    python3 tools/game24_sets.py        # rewrites the file (deterministic)
"""
import itertools
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from game24_solve import needs_fractions, solvable  # noqa: E402

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval-sets", "game24.jsonl")
DEV_FRACTIONS = [(3, 3, 8, 8), (1, 3, 4, 6), (3, 3, 7, 7), (4, 4, 7, 7), (1, 4, 5, 6), (2, 3, 5, 12), (1, 6, 6, 8), (2, 5, 5, 10)]
PROMPT_EXAMPLES = {(4, 4, 6, 8), (2, 9, 10, 12), (1, 4, 8, 8), (1, 5, 5, 5)}


def item(identifier, numbers, split):
    text = " ".join(map(str, numbers))
    return {"id": identifier, "question": f"Use the numbers {text} and + - * / to make 24.", "expected": 24, "numbers": list(numbers),
            "split": split, "kind": "fractions" if needs_fractions(numbers) else "whole"}


def main():
    with open(PATH, encoding="utf-8") as file:
        ranked = [json.loads(line) for line in file if line.strip() and json.loads(line)["id"].startswith("rank-")]
    items = [item(entry["id"], entry["numbers"], "dev") for entry in ranked]
    items += [item("fractions-" + "-".join(map(str, n)), n, "dev") for n in DEV_FRACTIONS]
    every = list(itertools.combinations_with_replacement(range(1, 14), 4))
    fractions = [n for n in every if needs_fractions(n) and n not in DEV_FRACTIONS and n not in PROMPT_EXAMPLES]
    items += [item("fractions-" + "-".join(map(str, n)), n, "test") for n in fractions]
    used = {tuple(sorted(entry["numbers"])) for entry in items} | PROMPT_EXAMPLES
    whole = [n for n in every if n not in used and solvable(n) and not needs_fractions(n)]
    for n in random.Random(24).sample(whole, 20):
        items.append(item("drawn-" + "-".join(map(str, n)), n, "test"))
    with open(PATH, "w", encoding="utf-8") as file:
        for entry in items:
            file.write(json.dumps(entry) + "\n")
    print(f"{PATH}: {sum(e['split'] == 'dev' for e in items)} dev, {sum(e['split'] == 'test' for e in items)} test")


if __name__ == "__main__":
    main()
