"""Two searches compared at an equal number of thoughts, from eval.py --results files.

A run that solved its puzzle did so at a known thought (the solving node's id: nodes
are numbered in the order written); a run that ended at its budget had written a
known number of thoughts without a solution; a run that ran out of positions could
never solve it. So "solved within N thoughts" is known for every run up to the
smallest N any budget-ended run reached, whatever each thought cost in seconds.
Prints both solve rates at that N (or at --thoughts), their 95% Wilson intervals,
and the difference with Newcombe's interval.

    python3 tools/game24_compare.py model.jsonl,model2.jsonl uniform.jsonl [--thoughts 70]
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval import wilson  # noqa: E402


def runs(paths):
    """(id, seed) → (solved at thought k or None, thoughts written, ended by the budget)."""
    found = {}
    for path in paths.split(","):
        with open(path, encoding="utf-8") as file:
            for line in file:
                record = json.loads(line)
                result = record["result"]
                tree = result.get("tree") or {}
                nodes = tree.get("nodes", [])
                solved_at = tree["path"][-1] if tree.get("verified") and tree.get("path") else None
                # A run that failed as a process counts as unsolved at every N.
                ended = bool(result.get("stopped_by"))
                found[(record["id"], record.get("seed", 0))] = (solved_at, max(0, len(nodes) - 1), ended)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--thoughts", type=int, help="compare at this many thoughts (default: the most every run allows)")
    args = parser.parse_args()
    first, second = runs(args.first), runs(args.second)
    shared = sorted(set(first) & set(second))
    everything = [first[key] for key in shared] + [second[key] for key in shared]
    limit = min([written for (solved_at, written, ended) in everything if ended and solved_at is None] or [10**9])
    n = args.thoughts or limit
    if n > limit:
        print(f"note: some budget-ended runs stopped before {n} thoughts (the least reached is {limit})")

    def rate(group):
        solved = sum(1 for key in shared if group[key][0] is not None and group[key][0] <= n)
        return solved, len(shared)

    (a, count), (b, _) = rate(first), rate(second)
    la, ua = wilson(a, count)
    lb, ub = wilson(b, count)
    pa, pb = a / count, b / count
    low = (pa - pb) - ((pa - la) ** 2 + (ub - pb) ** 2) ** 0.5
    high = (pa - pb) + ((ua - pa) ** 2 + (pb - lb) ** 2) ** 0.5
    print(f"runs: {count} (puzzle × seed present in both); compared at {n} thoughts")
    print(f"first:  {100 * pa:.1f}% ({a}/{count}), 95% {100 * la:.0f}–{100 * ua:.0f}%")
    print(f"second: {100 * pb:.1f}% ({b}/{count}), 95% {100 * lb:.0f}–{100 * ub:.0f}%")
    print(f"difference: {100 * (pa - pb):+.1f} points, 95% {100 * low:+.0f} to {100 * high:+.0f} (Newcombe)")


if __name__ == "__main__":
    main()
