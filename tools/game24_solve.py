"""Offline brute force for the Game of 24: whether numbers can still make 24.

The ground truth of the evaluation (solvability labels of puzzles and of the states
a search reaches) comes from here, in the tools only: the search never sees it.
Moves follow the game's rules as Ponder plays them: two numbers combined with
+ - * /, the result put back; results positive, fractions allowed (or, with
whole=True, only positive whole results, the older rule).

    python3 tools/game24_solve.py 3 3 8 8        # prints a solution, or "unsolvable"
"""
import functools
import itertools
import sys
from fractions import Fraction

TARGET = Fraction(24)


def _results(a, b):
    yield a + b, "+"
    yield a * b, "*"
    if a > b:
        yield a - b, "-"
    if b != 0:
        yield a / b, "/"


@functools.lru_cache(maxsize=None)
def _solve(values, whole):
    """values: a sorted tuple of Fractions. A solution (list of move texts) or None."""
    if len(values) == 1:
        return [] if values[0] == TARGET else None
    for i, j in itertools.permutations(range(len(values)), 2):
        a, b = values[i], values[j]
        rest = [v for k, v in enumerate(values) if k not in (i, j)]
        for value, symbol in _results(a, b):
            if value <= 0 or (whole and value.denominator != 1):
                continue
            found = _solve(tuple(sorted(rest + [value])), whole)
            if found is not None:
                return [f"{a} {symbol} {b} = {value}"] + found
    return None


def solution(numbers, whole=False):
    """The moves of one solution of `numbers` (ints or Fractions), or None."""
    return _solve(tuple(sorted(Fraction(n) for n in numbers)), whole)


def solvable(numbers, whole=False):
    return solution(numbers, whole) is not None


def needs_fractions(numbers):
    """Solvable, but only through a fraction."""
    return solvable(numbers) and not solvable(numbers, whole=True)


def parse_numbers(text):
    """"4 6 12" or "8 1/3" → Fractions."""
    return [Fraction(part) for part in text.split()]


if __name__ == "__main__":
    numbers = [Fraction(arg) for arg in sys.argv[1:]]
    found = solution(numbers)
    print("; ".join(found) if found is not None else "unsolvable")
